"""Points pages in a real browser (R26): axe-core, 320 px, nothing loaded from elsewhere."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from classes.models import School
from points.models import Skill
from points.services.awards import points_award
from tests.browser.conftest import NARROWEST, RequestLog, check_page, sign_in
from tests.factories import (
    PASSWORD,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def value_skill(name: str) -> Skill:
    """A school value: the migration makes them, but the flush after a transactional test
    empties the table, so it is made here when missing."""
    skill, _created = Skill.objects.get_or_create(
        name=name, school_class=None, defaults={"kind": "positive", "value": 1, "icon": "puzzle"}
    )
    return skill


def charts_fit_narrowest(page: Page) -> None:
    """Every chart is drawn within a 320 px wide screen."""
    page.set_viewport_size({"width": NARROWEST, "height": 740})
    widths = page.eval_on_selector_all(
        "svg.chart", "charts => charts.map(c => c.getBoundingClientRect().right)"
    )
    assert widths, "no chart on the page"
    assert max(widths) <= NARROWEST


def test_R26_parent_sees_the_new_total_and_note_with_charts(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    oak = SchoolClassFactory.create(name="Oak")
    teacher = assign_teacher(TeacherFactory.create(title="Mrs", last_name="Hughes"), oak)
    maya = PupilFactory.create(school_class=oak, first_name="Maya")
    link = ParentLinkFactory.create(pupil=maya)
    points_award(
        acting_user=teacher,
        school_class=oak,
        pupil_ids=[maya.pk],
        skill=value_skill("Curiosity"),
        note="Asked how rainbows form",
    )
    points_award(
        acting_user=teacher,
        school_class=oak,
        pupil_ids=[maya.pk],
        skill=value_skill("Creativity"),
    )

    assert link.parent.email
    sign_in(page, live_server, link.parent.email, PASSWORD)
    page.get_by_role("link", name="Points for Maya").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Maya’s points")
    today = page.locator(".points-totals div").filter(has_text="Today")
    expect(today.locator("dd")).to_have_text("2")
    expect(page.get_by_text("Asked how rainbows form")).to_be_visible()
    expect(page.get_by_role("img", name="Skills: Creativity: 1 time, +1 point")).to_be_visible()
    page.get_by_text("Show the numbers as a table").first.click()
    expect(page.get_by_role("row", name="Curiosity 1 1")).to_be_visible()
    check_page(page, request_log)
    charts_fit_narrowest(page)


def test_R26_teacher_sees_the_class_report_with_charts(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    oak = SchoolClassFactory.create(name="Oak")
    teacher = assign_teacher(TeacherFactory.create(title="Mrs", last_name="Hughes"), oak)
    pupils = [PupilFactory.create(school_class=oak, first_name=n) for n in ("Zara", "Amir")]
    points_award(
        acting_user=teacher,
        school_class=oak,
        pupil_ids=[p.pk for p in pupils],
        skill=value_skill("Tolerance"),
    )

    assert teacher.email
    sign_in(page, live_server, teacher.email, PASSWORD)
    page.goto(f"{live_server.url}/points/class/{oak.pk}/report/?period=month")

    expect(page.get_by_role("heading", level=1)).to_have_text("Points in Oak")
    rows = page.get_by_role("table", name="Points per pupil in this period").locator("tbody tr")
    expect(rows.locator("th")).to_have_text(["Amir", "Zara"])  # by name, not a ranking
    expect(rows.locator("td")).to_have_text(["1", "1", "1", "1"])
    check_page(page, request_log)
    charts_fit_narrowest(page)
