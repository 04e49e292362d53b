"""Moderation and withdrawal in a real browser: a leader suspends a warned parent on the
moderation page and the parent receives the email (R5, R23); a message's Withdraw button goes
away on its own when the 5 minutes end, and the thread of a cover that has ended tells the
parent whom to write to (R18).

The clock is the suite's test clock (``tests.clock.at``), frozen and moved by the test; the
browser's timer runs on real time, counting the seconds the server gave it."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import BrowserContext, Page, expect
from time_machine import Traveller

from accounts.models import User
from classes.models import School
from messaging.moderation import message_flag, parent_warn
from messaging.services.messages import message_start
from notifications.tasks import sweep_notifications
from tests.browser.conftest import RequestLog, axe_check, sign_in, sign_in_with_two_factor
from tests.clock import at
from tests.factories import (
    PASSWORD,
    LeaderFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = zoneinfo.ZoneInfo("Europe/London")
TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)


@pytest.fixture
def clock(school: School) -> Iterator[Traveller]:
    with at(TUESDAY_1000) as traveller:
        yield traveller


@pytest.fixture
def open_page(
    new_context: Callable[..., BrowserContext], request_log: RequestLog
) -> Iterator[Callable[[], Page]]:
    def make() -> Page:
        page = new_context().new_page()
        page.on("request", lambda req: request_log.record(req.url))
        return page

    yield make
    request_log.assert_all_local()


def oak_family() -> tuple[User, User]:
    oak = SchoolClassFactory.create(name="Oak")
    teacher = assign_teacher(TeacherFactory.create(title="Mrs", last_name="Hughes"), oak)
    maya = PupilFactory.create(school_class=oak, first_name="Maya", surname="Brightwater")
    parent = ParentLinkFactory.create(pupil=maya, parent__first_name="Dana").parent
    return teacher, parent


def test_R5_R23_a_leader_suspends_a_warned_parent_who_receives_the_email(
    clock: Traveller, open_page: Callable[[], Page], live_server: Any
) -> None:
    teacher, parent = oak_family()
    pupil = parent.parent_links.get().pupil
    first = message_start(acting_user=parent, other=teacher, pupil=pupil, body="You are useless")
    leader = LeaderFactory.create()
    parent_warn(
        acting_user=leader, flag=message_flag(acting_user=teacher, message=first), reason="Polite"
    )
    again = message_start(acting_user=parent, other=teacher, pupil=pupil, body="Still useless")
    message_flag(acting_user=teacher, message=again)

    page = open_page()
    sign_in_with_two_factor(page, live_server, leader)
    page.goto(f"{live_server.url}/messages/moderation/")
    section = page.locator("section").filter(has_text="Still useless")
    section.get_by_label("Reason (the parent reads it with a warning)").fill("A second breach")
    section.get_by_role("button", name="Suspend the account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Suspend this parent’s account?")
    axe_check(page)
    parent.refresh_from_db()
    assert not parent.is_suspended  # not before the leader confirms
    page.get_by_role("button", name="Suspend the account").click()
    page.wait_for_url(lambda url: url.endswith("/messages/moderation/"))
    parent.refresh_from_db()
    assert parent.is_suspended

    clock.move_to(TUESDAY_1000 + dt.timedelta(minutes=1))
    sweep_notifications()
    subjects = sorted(email.subject for email in mail.outbox if email.to == [parent.email])
    assert subjects == [
        "The school has given you a formal warning",
        "The school has suspended your portal account",
    ]
    (suspended,) = [e for e in mail.outbox if e.subject.startswith("The school has suspended")]
    assert "phone the school office on 01302 555 0100" in str(suspended.body)


def test_withdraw_goes_away_on_its_own_when_the_five_minutes_end(
    clock: Traveller, open_page: Callable[[], Page], live_server: Any
) -> None:
    teacher, parent = oak_family()
    pupil = parent.parent_links.get().pupil
    message = message_start(acting_user=parent, other=teacher, pupil=pupil, body="Hello there")
    page = open_page()
    assert parent.email
    sign_in(page, live_server, parent.email, PASSWORD)
    clock.move_to(TUESDAY_1000 + dt.timedelta(minutes=4, seconds=57))
    page.goto(f"{live_server.url}/messages/{message.thread_id}/")
    withdraw = page.get_by_role("button", name="Withdraw")
    expect(withdraw).to_be_visible()
    expect(withdraw).to_have_count(0, timeout=8000)  # three seconds later, by the page's timer
