"""Journeys of issues 17 and 18 in a real browser, each page checked by axe-core at 320 px and for
requests to other hosts: a cover that ends with a parent's question open passes it to the class
teacher, who answers it, and the parent sees who will answer (R18, R21); a leader cannot reach
the moderation queue without two-factor sign-in, sets it up, and then can; a teacher flags a
message with a reason and undoes stopping a reminder (R23, R29); a parent's account page."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Page, ViewportSize, expect
from time_machine import Traveller

from classes.models import School
from messaging.models import Flag, Thread
from messaging.services.messages import message_reply, message_start
from messaging.tasks import sweep_notices
from stories.models import Audience
from stories.services.reminders import reminder_create
from tests.browser.conftest import RequestLog, check_page, sign_in
from tests.clock import LONDON, at
from tests.factories import (
    PASSWORD,
    CoverAssignmentFactory,
    LeaderFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK: ViewportSize = {"width": 1366, "height": 768}
TUESDAY_1300 = dt.datetime(2026, 12, 1, 13, 0, tzinfo=LONDON)
TUESDAY_1310 = dt.datetime(2026, 12, 1, 13, 10, tzinfo=LONDON)
TUESDAY_1500 = dt.datetime(2026, 12, 1, 15, 0, tzinfo=LONDON)


@pytest.fixture
def clock(school: School) -> Iterator[Traveller]:
    with at(TUESDAY_1310) as traveller:
        yield traveller


def test_R18_R21_a_cover_that_ends_with_a_question_open_passes_it_to_the_class_teacher(
    clock: Traveller, page: Page, live_server: Any, request_log: RequestLog
) -> None:
    oak = SchoolClassFactory.create(name="Oak")
    hughes = assign_teacher(TeacherFactory.create(title="Mrs", last_name="Hughes"), oak)
    cover = CoverAssignmentFactory.create(
        teacher=TeacherFactory.create(title="Mr", last_name="Green"),
        school_class=oak,
        starts_at=TUESDAY_1300,
        ends_at=TUESDAY_1500,
    )
    maya = PupilFactory.create(school_class=oak, first_name="Maya", surname="Brightwater")
    parent = ParentLinkFactory.create(pupil=maya, parent__first_name="Dana").parent
    first = message_start(acting_user=parent, other=cover.teacher, pupil=maya, body="Trip money?")
    message_reply(acting_user=cover.teacher, thread=first.thread, body="I will ask Mrs Hughes.")
    message_reply(acting_user=parent, thread=first.thread, body="Is it 5 pounds or 10?")
    clock.move_to(TUESDAY_1500)
    sweep_notices()  # beat's messaging sweep, the minute the cover ends

    page.set_viewport_size(DESK)
    sign_in(page, live_server, str(hughes.email), PASSWORD)
    page.goto(f"{live_server.url}/messages/")
    page.get_by_role("link", name="Maya").first.click()
    expect(page.get_by_role("status")).to_contain_text(
        "This conversation passed to you when Mr Green's cover ended"
    )
    expect(page.locator(".messages-list")).to_contain_text("I will ask Mrs Hughes.")
    expect(page.locator(".messages-list")).to_contain_text("Mr Green")
    check_page(page, request_log)
    page.set_viewport_size(DESK)
    page.get_by_label("Message").fill("It is 5 pounds, thank you.")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".messages-list")).to_contain_text("It is 5 pounds, thank you.")
    thread = Thread.objects.get(pk=first.thread_id)
    assert thread.teacher == hughes and thread.covered_by == cover.teacher

    page.get_by_role("button", name="Sign out", exact=True).click()  # the header's
    page.wait_for_load_state()
    sign_in(page, live_server, str(parent.email), PASSWORD)  # a phone, the default viewport
    page.goto(f"{live_server.url}/notifications/")
    page.get_by_role("link", name="Mrs Hughes will answer your message about Maya").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Mr Green's cover has ended, so Mrs Hughes will answer you here."
    )
    expect(page.locator(".messages-list")).to_contain_text("It is 5 pounds, thank you.")
    check_page(page, request_log)


def test_a_leader_cannot_reach_the_moderation_queue_without_two_factor(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    leader = LeaderFactory.create()
    sign_in(page, live_server, str(leader.email), PASSWORD)  # a password only
    page.goto(f"{live_server.url}/messages/moderation/")
    expect(page).to_have_url(f"{live_server.url}/office/two-factor/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor authentication needed")
    check_page(page, request_log)
    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(f"{live_server.url}/office/two-factor/")

    page.get_by_role("link", name="Set up two-factor authentication").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Activate Authenticator App")
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name=code]").fill(
        format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    )
    page.get_by_role("button", name="Activate").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/messages/moderation/")
    expect(page).to_have_url(f"{live_server.url}/messages/moderation/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_page(page, request_log)


def test_R23_R29_a_teacher_flags_with_a_reason_and_undoes_stopping_a_reminder(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    oak = SchoolClassFactory.create(name="Oak")
    hughes = assign_teacher(TeacherFactory.create(title="Mrs", last_name="Hughes"), oak)
    maya = PupilFactory.create(school_class=oak, first_name="Maya", surname="Brightwater")
    parent = ParentLinkFactory.create(pupil=maya).parent
    rude = message_start(acting_user=parent, other=hughes, pupil=maya, body="You are useless")
    reminder_create(
        acting_user=hughes,
        audience=Audience.CLASS,
        school_class=oak,
        body="PE kit tomorrow",
        weekday=1,
        time_of_day=dt.time(15, 30),
    )
    page.set_viewport_size(DESK)
    sign_in(page, live_server, str(hughes.email), PASSWORD)
    page.goto(f"{live_server.url}/messages/{rude.thread_id}/")
    page.get_by_role("link", name="Flag as inappropriate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Flag a message")
    page.get_by_role("button", name="Send to the leaders").click()
    expect(page.locator(".field-error")).to_contain_text("Please say what is wrong")
    check_page(page, request_log)
    page.set_viewport_size(DESK)
    page.get_by_label("What is wrong with this message?").fill("Insulting")
    page.get_by_role("button", name="Send to the leaders").click()
    expect(page.locator("body")).to_contain_text("The message is with the school's leaders.")
    assert Flag.objects.get().reason == "Insulting"

    page.goto(f"{live_server.url}/stories/class/{oak.pk}/reminders/")
    page.get_by_role("button", name="Stop this reminder").click()
    expect(page.locator(".notice[role=status]")).to_contain_text(
        "You stopped the reminder of Tuesday 15:30."
    )
    check_page(page, request_log)
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("body")).to_contain_text("The reminder is back on")
    expect(page.get_by_role("button", name="Stop this reminder")).to_be_visible()


def test_a_parents_account_page_has_every_setting_and_passes_axe(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    maya = PupilFactory.create(
        school_class=SchoolClassFactory.create(name="Oak"), first_name="Maya"
    )
    parent = ParentLinkFactory.create(pupil=maya).parent
    sign_in(page, live_server, str(parent.email), PASSWORD)
    page.goto(f"{live_server.url}/account/")
    expect(page.get_by_role("heading", name="Your children")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Maya")
    for name in ("Download your data", "Delete your account", "Notification settings"):
        expect(page.locator("main").get_by_role("link", name=name)).to_be_visible()
    expect(
        page.locator("main").get_by_role("link", name="Two-factor authentication")
    ).to_be_visible()
    check_page(page, request_log)
