"""The award screen on a classroom PC or projected whiteboard (1366×768): pick a tile by click,
Enter or Space, the skills appear in a panel beside the tiles that stays in view, and after an
award the confirmation and Undo are on screen without scrolling (R25). A random pupil, a
big-screen mode, and no dead buttons."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Locator, Page, ViewportSize, expect

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

CLASSROOM: ViewportSize = {"width": 1366, "height": 768}
IN_VIEW = """el => { const r = el.getBoundingClientRect();
  return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth; }"""
# How many lines a name's text takes (one for a one-word name that never breaks inside).
LINES = """el => { const range = document.createRange(); range.selectNodeContents(el);
  return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; }"""


def _skills() -> None:
    """The school's six values (the flush after transactional tests empties the migration's)
    and two needs-work skills: a real screen's worth of buttons beside the tiles."""
    values = ["Determination", "Resilience", "Tolerance", "Cooperation", "Creativity", "Curiosity"]
    icons = ["mountain", "shield", "hands", "puzzle", "palette", "magnifier"]
    for name, icon in zip(values, icons, strict=True):
        Skill.objects.get_or_create(
            name=name,
            school_class=None,
            defaults={"kind": SkillKind.POSITIVE, "value": 1, "icon": icon},
        )
    for name, icon in (("Off task", "clock"), ("Too loud", "volume-down")):
        Skill.objects.get_or_create(
            name=name,
            school_class=None,
            defaults={"kind": SkillKind.NEEDS_WORK, "value": -1, "icon": icon},
        )


def _class_of_forty(teacher_email: str = "teacher@school.example.org") -> tuple[Any, Any, Any]:
    oak = SchoolClassFactory.create(name="Oak")
    teacher = assign_teacher(TeacherFactory.create(email=teacher_email), oak)
    first = PupilFactory.create(school_class=oak, first_name="Aaliyah", surname="Brightwater")
    for number in range(38):
        PupilFactory.create(school_class=oak, first_name=f"Pupil{number:02d}", surname="Oakes")
    last = PupilFactory.create(school_class=oak, first_name="Valentina", surname="Zielinska")
    _skills()
    return oak, teacher, (first, last)


def in_view(locator: Locator) -> bool:
    return bool(locator.evaluate(IN_VIEW))


def scrolled(page: Page) -> float:
    return float(page.evaluate("window.scrollY"))


def test_R25_teacher_awards_points_without_scrolling_at_1366x768(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    oak, teacher, (aaliyah, valentina) = _class_of_forty()
    sign_in(page, live_server, str(teacher.email), PASSWORD)
    page.set_viewport_size(CLASSROOM)
    page.goto(f"{live_server.url}/points/class/{oak.pk}/")
    check_page(page, request_log)
    page.set_viewport_size(CLASSROOM)
    assert page.evaluate("document.documentElement.scrollHeight") > CLASSROOM["height"]

    # No dead button: the form's default button is not shown, the random picker is.
    expect(page.get_by_role("button", name="Give points")).to_have_count(0)
    expect(page.get_by_role("button", name="Random pupil")).to_be_visible()
    # Before anyone is picked the panel says what to do; the skills appear with a pick.
    resilience = page.get_by_role("button", name="Resilience")
    expect(resilience).to_be_hidden()
    expect(page.get_by_text("Pick a pupil, several pupils or the whole class")).to_be_visible()

    # A tap on the first tile, in view as the page opens.
    page.locator("label.tile", has_text="Aaliyah").click()
    expect(page.get_by_label("Aaliyah")).to_be_checked()
    expect(page.locator("[data-award-for]")).to_have_text("Points for: Aaliyah")
    expect(resilience).to_be_visible()
    before = scrolled(page)
    resilience.click()
    confirm = page.locator(".award-confirm")
    expect(confirm).to_have_text("+1 Resilience for Aaliyah")
    undo = page.get_by_role("button", name="Undo")
    assert scrolled(page) == before and in_view(confirm) and in_view(undo)
    expect(resilience).to_be_hidden()  # the tile is unticked, ready for the next pupil
    check_page(page, request_log)
    page.set_viewport_size(CLASSROOM)

    # The last pupil is below the fold: the teacher scrolls the tiles, picks with Enter, and
    # the panel with the skills has stayed beside them.
    page.mouse.move(200, 400)  # over the tiles
    page.mouse.wheel(0, 2000)
    expect(page.locator(f"#tile-{valentina.pk}")).to_be_in_viewport()
    last = page.locator(f"#award-pupil-{valentina.pk}")
    last.focus()
    page.keyboard.press("Enter")
    expect(last).to_be_checked()
    page.keyboard.press("Space")  # Space unticks, Enter ticks again
    expect(last).not_to_be_checked()
    page.keyboard.press("Enter")
    expect(last).to_be_checked()
    cooperation = page.get_by_role("button", name="Cooperation")
    # every skill of the class is on screen beside the tiles, the last needs-work one too
    assert in_view(cooperation) and in_view(page.get_by_role("button", name="Too loud"))
    before = scrolled(page)
    cooperation.click()
    expect(confirm).to_have_text("+1 Cooperation for Valentina")
    assert scrolled(page) == before > 0
    assert in_view(confirm) and in_view(undo)

    undo.click()
    expect(confirm).to_have_text("Points taken back from 1 pupil.")
    assert in_view(confirm)
    assert [(a.pupil_id, a.skill.name) for a in Award.objects.all()] == [
        (aaliyah.pk, "Resilience")
    ]


def test_R25_whole_class_and_several_pupils_work_the_same_way(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    oak, teacher, _pupils = _class_of_forty()
    sign_in(page, live_server, str(teacher.email), PASSWORD)
    page.set_viewport_size(CLASSROOM)
    page.goto(f"{live_server.url}/points/class/{oak.pk}/")

    page.locator("label.tile", has_text="Aaliyah").click()
    page.locator("label.tile", has_text="Valentina").click()
    expect(page.locator("[data-award-for]")).to_have_text("Points for: Aaliyah and Valentina")
    # Whole class replaces the single picks (the server would give it to everyone anyway).
    whole = page.get_by_label("Whole class")
    whole.focus()
    page.keyboard.press("Space")
    expect(whole).to_be_checked()
    expect(page.get_by_label("Aaliyah")).not_to_be_checked()
    expect(page.locator("[data-award-for]")).to_have_text("Points for: Whole class")
    page.get_by_role("button", name="Resilience").click()
    confirm = page.locator(".award-confirm")
    expect(confirm).to_have_text("+1 Resilience for the whole class (40)")
    assert in_view(confirm) and in_view(page.get_by_role("button", name="Undo"))
    assert Award.objects.count() == 40
    check_page(page, request_log)


def test_R25_random_pupil_picks_one_pupil_and_shows_their_skills(
    page: Page, live_server: Any, school: School
) -> None:
    oak, teacher, _pupils = _class_of_forty()
    sign_in(page, live_server, str(teacher.email), PASSWORD)
    page.set_viewport_size(CLASSROOM)
    page.goto(f"{live_server.url}/points/class/{oak.pk}/")

    picks = []
    for _ in range(3):
        page.get_by_role("button", name="Random pupil").click()
        checked = page.locator(".tile-check:checked")
        expect(checked).to_have_count(1)
        assert checked.get_attribute("name") == "pupils"
        assert in_view(page.locator(".tile-picked .tile-name"))
        picks.append(checked.get_attribute("value"))
    assert picks[0] != picks[1] != picks[2]  # never the same pupil twice running
    expect(page.get_by_role("button", name="Resilience")).to_be_visible()
    name = page.locator(".tile-picked .tile-name").inner_text()
    page.get_by_role("button", name="Resilience").click()
    expect(page.locator(".award-confirm")).to_have_text(f"+1 Resilience for {name}")


def test_R25_big_screen_names_read_from_the_back_of_the_room_and_never_break(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    oak, teacher, (_aaliyah, valentina) = _class_of_forty()
    sign_in(page, live_server, str(teacher.email), PASSWORD)
    page.set_viewport_size(CLASSROOM)
    page.goto(f"{live_server.url}/points/class/{oak.pk}/")
    name = page.locator(f"label[for='award-pupil-{valentina.pk}'] .tile-name")
    normal = float(name.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))

    page.get_by_role("link", name="Big screen").click()
    expect(page.get_by_role("link", name="Normal screen")).to_be_visible()
    check_page(page, request_log)
    page.set_viewport_size(CLASSROOM)
    big = float(name.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))
    assert big >= 32 and big > normal * 1.5
    assert name.evaluate(LINES) == 1  # "Valentina", not "Valentin/a"
