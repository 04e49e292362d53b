"""A teacher gives points at the class screen without the page reloading, then undoes (R25)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from classes.models import School
from points.models import Award, Skill, SkillKind
from tests.browser.conftest import RequestLog, check_page, sign_in
from tests.factories import (
    PASSWORD,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_R25_teacher_awards_one_pupil_and_the_whole_class_then_undoes(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    oak = SchoolClassFactory.create(name="Oak")
    teacher = assign_teacher(TeacherFactory.create(), oak)
    maya = PupilFactory.create(school_class=oak, first_name="Maya", surname="Brightwater")
    PupilFactory.create(school_class=oak, first_name="Amir", surname="Khanzada")
    PupilFactory.create(school_class=oak, first_name="Amir", surname="Kowalczyk")
    # The flush after transactional tests empties the migration's skills: make two again.
    for name, icon in (("Resilience", "shield"), ("Cooperation", "puzzle")):
        Skill.objects.get_or_create(
            name=name,
            school_class=None,
            defaults={"kind": SkillKind.POSITIVE, "value": 1, "icon": icon},
        )

    sign_in(page, live_server, str(teacher.email), PASSWORD)
    page.get_by_role("link", name="Give points").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Give points – Oak")
    check_page(page, request_log)
    screen = page.url
    loads: list[int] = []
    page.on("load", lambda _page: loads.append(1))

    page.locator("label.tile", has_text="Maya").click()  # the tile, as a teacher taps it
    expect(page.get_by_label("Maya")).to_be_checked()
    page.get_by_label("Note for parents (optional)").fill("Kept going with fractions.")
    page.get_by_role("button", name="Resilience").click()
    status = page.get_by_role("status").filter(has_text="Resilience")
    expect(status).to_contain_text("+1 Resilience for Maya")
    expect(page.locator(f'[data-pupil="{maya.pk}"]')).to_have_text("+1 today")
    expect(page.get_by_label("Maya")).not_to_be_checked()  # ready for the next click
    check_page(page, request_log)

    page.locator("label.tile", has_text="Whole class").click()
    page.get_by_role("button", name="Cooperation").click()
    expect(page.get_by_role("status")).to_contain_text("+1 Cooperation for the whole class (3)")
    expect(page.locator(f'[data-pupil="{maya.pk}"]')).to_have_text("+2 today")
    check_page(page, request_log)

    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("status")).to_contain_text("Points taken back from 3 pupils.")
    expect(page.locator(f'[data-pupil="{maya.pk}"]')).to_have_text("+1 today")
    check_page(page, request_log)

    assert page.url == screen and loads == []  # no page was reloaded
    award = Award.objects.get()
    assert (award.pupil_id, award.skill.name, award.note) == (
        maya.pk,
        "Resilience",
        "Kept going with fractions.",
    )
