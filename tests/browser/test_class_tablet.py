"""A Reception pupil signs in on a classroom tablet that their teacher set up once: they tap
their monster, with their name beneath, then their pictures. When the teacher forgets the
tablet, the same device is refused. Every page passes axe-core and fits 320 px."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from classes.models import School, YearGroup
from tests.browser.conftest import RequestLog, check_page, sign_in
from tests.factories import (
    PASSWORD,
    PICTURE_CODE,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
    give_picture_code,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET: ViewportSize = {"width": 768, "height": 1024}
LINES = """el => { const range = document.createRange(); range.selectNodeContents(el);
  return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; }"""


def test_reception_pupil_signs_in_on_a_remembered_tablet_by_tapping_their_monster(
    page: Page, live_server: Any, request_log: RequestLog, school: School, browser: Browser
) -> None:
    rowan = SchoolClassFactory.create(name="Rowan", year_group=YearGroup.RECEPTION)
    teacher = assign_teacher(TeacherFactory.create(), rowan)
    valentina = PupilFactory.create(school_class=rowan, first_name="Valentina", surname="Ionescu")
    PupilFactory.create(school_class=rowan, first_name="Amir", surname="Khanzada")
    PupilFactory.create(school_class=rowan, first_name="Anna Maria", surname="Kowalczyk")
    give_picture_code(valentina)

    # Once: the teacher opens the class's tablets page on the tablet and sets it up.
    page.set_viewport_size(TABLET)
    sign_in(page, live_server, str(teacher.email), PASSWORD)
    page.get_by_role("link", name="Classroom tablets").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Classroom tablets – Rowan")
    check_page(page, request_log)
    page.set_viewport_size(TABLET)
    page.get_by_role("button", name="Set up this device as a classroom tablet").click()

    # The tablet now shows the class's monsters; the teacher is signed out of it.
    expect(page.get_by_role("heading", level=1)).to_have_text("Tap your monster")
    expect(page.get_by_text("This tablet now opens the sign-in of Rowan")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    check_page(page, request_log)

    # Another morning: the tablet remembers the class, with no code to type.
    page.goto(f"{live_server.url}/pupil/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tap your monster")
    expect(page.locator(".monster-button svg")).to_have_count(3)
    for width in (320, TABLET["width"]):
        page.set_viewport_size({"width": width, "height": TABLET["height"]})
        name = page.locator(".monster-name", has_text="Valentina")
        assert name.evaluate(LINES) == 1, f"Valentina breaks inside the word at {width} px"
    page.get_by_role("link", name="Valentina").click()

    expect(page.get_by_role("heading", name="Hello, Valentina!")).to_be_visible()
    check_page(page, request_log)
    page.set_viewport_size(TABLET)
    for key in PICTURE_CODE:
        page.get_by_role("button", name=key, exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Hello, Valentina!")).to_be_visible()
    check_page(page, request_log)

    # The teacher forgets the tablet from the classroom PC: the tablet is refused at once.
    desk = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-GB")
    pc = desk.new_page()
    sign_in(pc, live_server, str(teacher.email), PASSWORD)
    pc.goto(f"{live_server.url}/pupil/class/{rowan.pk}/tablets/")
    pc.get_by_role("button", name="Forget the tablet set up on").click()
    expect(pc.get_by_text("The tablet is forgotten")).to_be_visible()
    desk.close()

    page.context.clear_cookies(name="sessionid")  # the pupil's short session is over
    page.goto(f"{live_server.url}/points/tablet/")
    expect(page.get_by_role("alert")).to_contain_text("This tablet is no longer set up")
    expect(page.locator("body")).not_to_contain_text("Valentina")
    check_page(page, request_log)
