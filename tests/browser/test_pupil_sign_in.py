"""A pupil signs in on a tablet: class code → name → five pictures, with and without script.
Every page passes axe-core, fits 320 px and stays on the school's server (R10)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from classes.models import School
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

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _tap_code(page: Page, code: list[str]) -> None:
    """Tap the pictures by their written labels (in English, the labels are the keys)."""
    for key in code:
        page.get_by_role("button", name=key, exact=True).click()


def test_R6_pupil_signs_in_with_class_code_name_and_pictures(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    oak = SchoolClassFactory.create(name="Oak")
    maya = PupilFactory.create(school_class=oak, first_name="Maya", surname="Brightwater")
    PupilFactory.create(school_class=oak, first_name="Amir", surname="Khanzada")
    give_picture_code(maya)

    page.goto(f"{live_server.url}/pupil/")
    check_page(page)
    page.get_by_label("Type your class code").fill(oak.class_code.lower())
    page.get_by_role("button", name="Go").click()

    expect(page.get_by_role("link", name="Amir")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Khanzada")
    check_page(page)
    page.get_by_role("link", name="Maya").click()

    expect(page.get_by_role("heading", name="Hello, Maya!")).to_be_visible()
    check_page(page)
    _tap_code(page, ["cat", "sun"])
    expect(page.locator(".slot-filled")).to_have_count(2)  # filled in the page, no reload
    check_page(page)
    _tap_code(page, PICTURE_CODE[2:])

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Hello, Maya!")).to_be_visible()
    check_page(page, request_log)


def test_the_keypad_works_without_script(
    browser: Browser, live_server: Any, school: School
) -> None:
    oak = SchoolClassFactory.create(name="Oak")
    maya = PupilFactory.create(school_class=oak, first_name="Maya")
    give_picture_code(maya)
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 320, "height": 740}
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/pupil/c/{oak.class_code}/{maya.pk}/")
    _tap_code(page, ["dog"])
    expect(page.locator(".slot-filled")).to_have_count(1)
    page.get_by_role("button", name="Start again").click()
    expect(page.locator(".slot-filled")).to_have_count(0)
    _tap_code(page, PICTURE_CODE)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Hello, Maya!")).to_be_visible()
    context.close()


def test_a_wrong_code_and_the_lock_are_told_kindly(
    page: Page, live_server: Any, school: School
) -> None:
    oak = SchoolClassFactory.create(name="Oak")
    maya = PupilFactory.create(school_class=oak, first_name="Maya")
    give_picture_code(maya)
    page.goto(f"{live_server.url}/pupil/c/{oak.class_code}/{maya.pk}/")
    for attempt in range(5):
        _tap_code(page, ["dog"] * 5)
        if attempt == 0:
            expect(page.get_by_role("alert")).to_contain_text("Those are not your pictures.")
            check_page(page)
    expect(page.get_by_role("alert")).to_contain_text("Ask your teacher to help you sign in.")
    expect(page.get_by_role("button", name="cat", exact=True)).to_have_count(0)
    check_page(page)


def test_teacher_shows_the_class_code_and_qr_code_on_the_whiteboard(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    oak = SchoolClassFactory.create(name="Oak")
    teacher = assign_teacher(TeacherFactory.create(), oak)
    assert teacher.email
    sign_in(page, live_server, teacher.email, PASSWORD)
    page.get_by_role("link", name="Show the pupils' sign-in code").click()
    expect(page.locator(".class-code-huge")).to_have_text(oak.class_code)
    expect(page.get_by_role("img", name="QR code for signing in to Oak")).to_be_visible()
    check_page(page, request_log)
