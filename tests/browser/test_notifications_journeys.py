"""Notifications in a real browser (R31): a parent chooses the daily digest for posts and email
at once for messages; the teacher's reply is emailed at once, the class post only in the digest
at the time the parent chose; the bell counts both and the list opens the thread. Every page
visited passes axe-core, fits 320 px and loads nothing from elsewhere (R10).

The clock is the suite's test clock (``tests.clock.at``), frozen and moved by the test: the live
server runs in a thread of this process, so its views read the same clock as the test and the
sweeps it runs."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect
from time_machine import Traveller

from accounts.models import User
from classes.models import Pupil, School
from messaging.models import Message
from messaging.services.messages import message_reply, message_start
from messaging.tasks import sweep_notices
from notifications.models import Channel, DigestPreference, Kind, NotificationSetting
from notifications.tasks import sweep_notifications
from stories.models import Audience
from stories.services.posts import post_create
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

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

LONDON = zoneinfo.ZoneInfo("Europe/London")
TUESDAY_0840 = dt.datetime(2026, 12, 1, 8, 40, tzinfo=LONDON)
TUESDAY_0845 = dt.datetime(2026, 12, 1, 8, 45, tzinfo=LONDON)
TUESDAY_0930 = dt.datetime(2026, 12, 1, 9, 30, tzinfo=LONDON)
TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)
TUESDAY_1001 = dt.datetime(2026, 12, 1, 10, 1, tzinfo=LONDON)
TUESDAY_1800 = dt.datetime(2026, 12, 1, 18, 0, tzinfo=LONDON)
TUESDAY_1900 = dt.datetime(2026, 12, 1, 19, 0, tzinfo=LONDON)

QUESTION = "Could Maya bring her recorder to show the class?"
REPLY = "Yes please, she can play it after assembly."
POST = "We planted bulbs in the garden this morning."
MESSAGE_TITLE = "New message from Mrs Hughes about Maya"
POST_TITLE = "New post in the Oak class story"


@pytest.fixture
def clock(school: School) -> Iterator[Traveller]:
    """The time the services, views and sweeps read; a test moves it with ``move_to``."""
    with at(TUESDAY_0840) as traveller:
        yield traveller


def oak_family() -> tuple[User, Pupil, User]:
    """Mrs Hughes teaches Oak; Maya is in Oak; her parent is Dana Brightwater."""
    oak = SchoolClassFactory.create(name="Oak")
    teacher = assign_teacher(TeacherFactory.create(title="Mrs", last_name="Hughes"), oak)
    maya = PupilFactory.create(school_class=oak, first_name="Maya", surname="Brightwater")
    parent = ParentLinkFactory.create(
        pupil=maya, parent__first_name="Dana", parent__last_name="Brightwater"
    ).parent
    return teacher, maya, parent


def beat(clock: Traveller, moment: dt.datetime) -> None:
    """What beat runs every minute: messaging's sweep, then the notification sweep (Celery is
    eager: the emails go at once)."""
    clock.move_to(moment)
    sweep_notices()
    sweep_notifications()


def emails_to(user: User) -> list[mail.EmailMessage]:
    return [email for email in mail.outbox if email.to == [user.email]]


def choose_settings(page: Page, request_log: RequestLog) -> None:
    """From any page: the bell, the list, then the settings; digest for posts at 19:00, email
    at once for messages."""
    page.get_by_role("link", name="Notifications", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    check_page(page, request_log)  # the list, empty
    page.get_by_role("link", name="Choose how you are told").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notification settings")
    check_page(page, request_log)  # the settings, as they were
    posts = page.get_by_role("group", name="New posts about your child")
    posts.get_by_label("Daily email digest").check()
    messages = page.get_by_role("group", name="New messages")
    messages.get_by_label("Email at once").check()
    page.get_by_label("Send my daily digest at").fill("19:00")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_have_text("Your notification settings are saved.")
    expect(posts.get_by_label("Daily email digest")).to_be_checked()
    expect(messages.get_by_label("Email at once")).to_be_checked()
    expect(page.get_by_label("Send my daily digest at")).to_have_value("19:00")
    check_page(page, request_log)  # saved


def test_R31_a_parent_gets_messages_at_once_and_posts_in_the_evening_digest(
    page: Page, live_server: Any, request_log: RequestLog, clock: Traveller
) -> None:
    teacher, maya, parent = oak_family()
    assert parent.email
    sign_in(page, live_server, parent.email, PASSWORD)
    check_page(page, request_log)  # the parent's home
    choose_settings(page, request_log)
    assert dict(
        NotificationSetting.objects.filter(user=parent).values_list("kind", "channel")
    ) == {Kind.NEW_POST: Channel.DIGEST, Kind.NEW_MESSAGE: Channel.EMAIL}
    assert DigestPreference.objects.get(user=parent).send_at == dt.time(19, 0)

    # The other side, through the services: a question, a class post, the teacher's reply.
    clock.move_to(TUESDAY_0845)
    thread = message_start(acting_user=parent, other=teacher, pupil=maya, body=QUESTION).thread
    clock.move_to(TUESDAY_0930)
    oak = maya.school_class
    post_create(acting_user=teacher, audience=Audience.CLASS, school_class=oak, body=POST)
    clock.move_to(TUESDAY_1000)
    message_reply(acting_user=teacher, thread=thread, body=REPLY)

    # The next minute: the reply is emailed at once; the post is not.
    beat(clock, TUESDAY_1001)
    [email] = emails_to(parent)
    assert email.subject == MESSAGE_TITLE
    assert REPLY not in email.body  # no message text in an email
    assert "/notifications/" in email.body

    # The bell counts both; the list opens the thread and marks the message read.
    page.reload()
    bell = page.locator(".bell-count")
    expect(bell).to_have_text("2 unread")
    page.get_by_role("link", name="Notifications 2 unread").click()
    listed = page.locator(".notification-list")
    expect(listed).to_contain_text(MESSAGE_TITLE)
    expect(listed).to_contain_text(POST_TITLE)
    check_page(page, request_log)  # the list with two unread
    listed.get_by_role("link", name=MESSAGE_TITLE).click()
    expect(page).to_have_url(f"{live_server.url}/messages/{thread.pk}/")
    expect(page.get_by_role("main")).to_contain_text(REPLY)
    expect(bell).to_have_text("1 unread")
    check_page(page, request_log)  # the thread, reached from the notification
    assert Message.objects.get(body=REPLY).seen_at is not None

    # The post waits for the digest at 19:00, the time the parent chose.
    beat(clock, TUESDAY_1800)
    assert len(emails_to(parent)) == 1
    beat(clock, TUESDAY_1900)
    _message_email, digest = emails_to(parent)
    assert digest.subject == "Your news from school"
    assert POST_TITLE in digest.body and MESSAGE_TITLE not in digest.body
    assert POST not in digest.body  # the post's text stays in the portal
    beat(clock, TUESDAY_1900 + dt.timedelta(minutes=1))
    assert len(emails_to(parent)) == 2  # one digest a day
