"""Deleting an account in a real browser (R28): a parent finds "Delete your account" at the
foot of every page, is refused without their password, then deletes the account with it and
lands on the sign-in page, signed out; the teacher still reads the parent's message, from "a
former parent/carer". Every page visited passes axe-core, fits 320 px and loads nothing from
elsewhere (R10), and the journey is made with the keyboard."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from classes.models import School
from messaging.models import Thread
from messaging.services.messages import message_start
from privacy.deletion import PASSWORD_NEEDED, WRONG_PASSWORD
from privacy.views.deletion import DELETED
from tests.browser.conftest import RequestLog, check_page, sign_in
from tests.clock import at
from tests.factories import (
    PASSWORD,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = zoneinfo.ZoneInfo("Europe/London")
TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)
QUESTION = "Could Maya bring her recorder on Friday?"


def test_R28_a_parent_deletes_their_account_in_the_browser(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    oak = SchoolClassFactory(name="Oak")
    teacher = assign_teacher(TeacherFactory(title="Mrs", last_name="Patel"), oak)
    link = ParentLinkFactory(pupil=PupilFactory(school_class=oak, first_name="Maya"))
    parent = link.parent
    with at(TUESDAY_1000):
        message_start(acting_user=parent, other=teacher, pupil=link.pupil, body=QUESTION)

    sign_in(page, live_server, parent.email, PASSWORD)
    footer_link = page.get_by_role("link", name="Delete your account")
    footer_link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your account")
    expect(page.get_by_text("a former parent/carer")).to_be_visible()
    check_page(page, request_log)

    # No password: refused, with the reason next to the field, and nothing deleted.
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("alert")).to_have_text(str(PASSWORD_NEEDED))
    check_page(page, request_log)
    page.get_by_label("Your password").fill("not my password")
    page.get_by_label("Your password").press("Enter")
    expect(page.get_by_role("alert")).to_have_text(str(WRONG_PASSWORD))
    expect(page.get_by_label("Your password")).to_have_attribute("aria-invalid", "true")
    assert User.objects.filter(pk=parent.pk).exists()

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("Your password").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_text(str(DELETED))).to_be_visible()
    check_page(page, request_log)
    assert not User.objects.filter(pk=parent.pk).exists()

    # Signed out: the portal sends the old session to the sign-in page.
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

    # The teacher still has the parent's message, from a former parent/carer.
    thread = Thread.objects.get(teacher=teacher)
    assert thread.parent_id is None
    assert teacher.email
    sign_in(page, live_server, teacher.email, PASSWORD)
    with at(TUESDAY_1000 + dt.timedelta(hours=1)):
        page.goto(f"{live_server.url}/messages/{thread.pk}/")
        expect(page.get_by_text(QUESTION)).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_contain_text("a former parent/carer")
        check_page(page, request_log)
