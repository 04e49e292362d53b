"""Messaging in a real browser: a parent's Saturday message reaches the teacher at 08:00 on
Monday (R19), with honest receipts and quiet time (R20) and the reply promise (R21); a parent
is refused another teacher and another family's thread (R18); a sickness report is offered to
the office inbox (R22). Every page visited passes axe-core, fits 320 px and loads nothing from
elsewhere (R10).

The clock is the suite's test clock (``tests.clock.at``), frozen and moved by the test: the live
server runs in a thread of this process, so its views read the same clock as the test."""

from __future__ import annotations

import datetime as dt
import importlib
import re
import zoneinfo
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.apps import apps
from playwright.sync_api import BrowserContext, Locator, Page, expect
from time_machine import Traveller

from accounts.models import User
from classes.models import Pupil, School
from messaging.models import Message, Thread
from messaging.selectors import ready_replies_changed
from messaging.services.messages import message_start
from tests.browser.conftest import RequestLog, check_page, sign_in, sign_in_with_two_factor
from tests.clock import at
from tests.factories import (
    PASSWORD,
    OfficeFactory,
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
SATURDAY_1000 = dt.datetime(2026, 11, 28, 10, 0, tzinfo=LONDON)
MONDAY_0800 = dt.datetime(2026, 11, 30, 8, 0, tzinfo=LONDON)
MONDAY_0814 = dt.datetime(2026, 11, 30, 8, 14, tzinfo=LONDON)
MONDAY_0820 = dt.datetime(2026, 11, 30, 8, 20, tzinfo=LONDON)
MONDAY_1200 = dt.datetime(2026, 11, 30, 12, 0, tzinfo=LONDON)
MONDAY_2000 = dt.datetime(2026, 11, 30, 20, 0, tzinfo=LONDON)
TUESDAY_0840 = dt.datetime(2026, 12, 1, 8, 40, tzinfo=LONDON)

OFFICE_PHONE = "01302 555 0100"  # as the ``school`` fixture sets it
RECORDER = "Could Maya bring her recorder to show the class?"
REPLY = "Yes please, she can play it after assembly."
THANKS = "Thank you, she is very excited."
SICK = "She is off sick today."
QUIET_NOTICE = (
    "It is quiet time. Opening this conversation does not mark the parent's messages as seen"
)
OFFICE_WORDS = importlib.import_module("messaging.migrations.0002_office_words_and_ready_replies")


@pytest.fixture(autouse=True)
def _office_words(school: School) -> None:
    """The office's words (R22) and ready replies (R24) as the data migration seeds them: the
    flush after each transactional test empties their tables."""
    OFFICE_WORDS.seed(apps, None)
    ready_replies_changed()


@pytest.fixture
def clock(school: School) -> Iterator[Traveller]:
    """The time the services and views read; a test moves it with ``move_to``."""
    with at(TUESDAY_0840) as traveller:
        yield traveller


@pytest.fixture
def open_page(
    new_context: Callable[..., BrowserContext], request_log: RequestLog
) -> Iterator[Callable[[], Page]]:
    """A fresh phone-sized browser per person, so a parent and a teacher are signed in side by
    side; every request is recorded and none may leave the school's server (R10)."""

    def make() -> Page:
        page = new_context().new_page()
        page.on("request", lambda req: request_log.record(req.url))
        return page

    yield make
    request_log.assert_all_local()


def signed_in(open_page: Callable[[], Page], live_server: Any, user: User) -> Page:
    page = open_page()
    assert user.email
    if user.role in ("office", "leader"):  # they sign in with two-factor
        sign_in_with_two_factor(page, live_server, user)
    else:
        sign_in(page, live_server, user.email, PASSWORD)
    return page


def oak_family() -> tuple[User, Pupil, User]:
    """Mrs Hughes teaches Oak; Maya is in Oak; her parent is Dana Brightwater."""
    oak = SchoolClassFactory.create(name="Oak")
    teacher = assign_teacher(TeacherFactory.create(title="Mrs", last_name="Hughes"), oak)
    maya = PupilFactory.create(school_class=oak, first_name="Maya", surname="Brightwater")
    parent = ParentLinkFactory.create(
        pupil=maya, parent__first_name="Dana", parent__last_name="Brightwater"
    ).parent
    return teacher, maya, parent


def open_messages(page: Page) -> None:
    page.get_by_role("link", name="Messages", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages")


def write_new(page: Page, to: str, body: str) -> None:
    """From the inbox: a new message to ``to`` (the label of the "To" choice), sent."""
    page.get_by_role("link", name="New message").click()
    page.get_by_label("To", exact=True).select_option(label=to)
    page.get_by_label("Message", exact=True).fill(body)
    page.get_by_role("button", name="Send", exact=True).click()


def message_item(page: Page, text: str) -> Locator:
    return page.locator("li.msg").filter(has_text=text)


def thread_row(page: Page, who: str) -> Locator:
    return page.locator("li.thread-row").filter(has_text=who)


def test_R19_R20_R21_a_saturday_message_reaches_the_teacher_at_0800_monday_who_replies(
    open_page: Callable[[], Page],
    live_server: Any,
    request_log: RequestLog,
    clock: Traveller,
) -> None:
    teacher, _maya, parent = oak_family()
    clock.move_to(SATURDAY_1000)
    parent_page = signed_in(open_page, live_server, parent)
    open_messages(parent_page)
    write_new(parent_page, "Mrs Hughes – Maya", RECORDER)
    expect(parent_page.get_by_role("heading", level=1)).to_have_text("Mrs Hughes – Maya")
    sent_meta = message_item(parent_page, RECORDER).locator(".msg-meta")
    expect(sent_meta).to_contain_text("will be delivered at 08:00 on Monday")
    expect(sent_meta).to_contain_text("a reply can be expected by Wednesday 08:00")  # R21
    check_page(parent_page, request_log)  # the thread, as the parent sees it
    parent_page.get_by_role("link", name="All messages").click()
    expect(thread_row(parent_page, "Mrs Hughes – Maya")).to_have_count(1)
    check_page(parent_page, request_log)  # the parent's inbox

    # R19: on Saturday the teacher's inbox has nothing, though the message is stored.
    teacher_page = signed_in(open_page, live_server, teacher)
    open_messages(teacher_page)
    main = teacher_page.get_by_role("main")
    expect(main).to_contain_text("No messages yet.")
    expect(main).not_to_contain_text("Dana Brightwater")
    assert Message.objects.filter(body=RECORDER).exists()

    clock.move_to(MONDAY_0800)
    teacher_page.reload()
    row = thread_row(teacher_page, "Dana Brightwater – Maya")
    expect(row).to_have_class(re.compile(r"\bunread\b"))
    expect(row).to_contain_text("1 new")
    expect(row).to_contain_text("reply due Wed 08:00")

    clock.move_to(MONDAY_0814)
    row.get_by_role("link").click()
    expect(message_item(teacher_page, RECORDER)).to_be_visible()
    expect(teacher_page.get_by_text(QUIET_NOTICE)).to_have_count(0)
    # The thread as the teacher sees it, with the ready replies.
    check_page(teacher_page, request_log)
    teacher_page.get_by_label("Message", exact=True).fill(REPLY)
    teacher_page.get_by_role("button", name="Send", exact=True).click()
    expect(teacher_page.get_by_role("status")).to_have_text("Sent.")
    expect(message_item(teacher_page, REPLY)).to_be_visible()

    # R20: the parent sees when it was delivered and when it was seen, and the answer.
    clock.move_to(MONDAY_0820)
    parent_page.reload()
    expect(thread_row(parent_page, "Mrs Hughes – Maya")).to_contain_text("1 new")
    thread_row(parent_page, "Mrs Hughes – Maya").get_by_role("link").click()
    expect(sent_meta).to_contain_text(re.compile(r"delivered 08:00\s+· seen 08:14"))
    expect(sent_meta).not_to_contain_text("a reply can be expected")  # answered
    expect(message_item(parent_page, REPLY).locator(".msg-meta")).to_contain_text("Mrs Hughes")
    check_page(parent_page, request_log)


def test_R20_a_teacher_opening_a_thread_in_quiet_time_is_told_and_may_mark_it_seen(
    open_page: Callable[[], Page],
    live_server: Any,
    request_log: RequestLog,
    clock: Traveller,
) -> None:
    teacher, maya, parent = oak_family()
    clock.move_to(MONDAY_1200)
    message = message_start(acting_user=parent, other=teacher, pupil=maya, body=THANKS)

    clock.move_to(MONDAY_2000)
    teacher_page = signed_in(open_page, live_server, teacher)
    open_messages(teacher_page)
    thread_row(teacher_page, "Dana Brightwater – Maya").get_by_role("link").click()
    expect(message_item(teacher_page, THANKS)).to_be_visible()
    notice = teacher_page.locator(".notice").filter(has_text=QUIET_NOTICE)
    expect(notice).to_have_attribute("role", "status")
    check_page(teacher_page, request_log)  # the quiet-time notice

    # Opening it in quiet time told the parent nothing.
    parent_page = signed_in(open_page, live_server, parent)
    parent_page.goto(f"{live_server.url}/messages/{message.thread_id}/")
    meta = message_item(parent_page, THANKS).locator(".msg-meta")
    expect(meta).to_contain_text("delivered 12:00")
    expect(meta).not_to_contain_text("seen")
    message.refresh_from_db()
    assert message.seen_at is None

    notice.get_by_role("button", name="Mark as seen anyway").click()
    expect(teacher_page.locator(".messages")).to_have_text(
        "Marked as seen: the parent can see that you have read it."
    )
    parent_page.reload()
    expect(meta).to_contain_text(re.compile(r"delivered 12:00\s+· seen 20:00"))


def test_R18_a_parent_is_refused_another_teacher_and_another_familys_thread(
    open_page: Callable[[], Page],
    live_server: Any,
    request_log: RequestLog,
    clock: Traveller,
) -> None:
    _teacher, maya, parent = oak_family()
    elm = SchoolClassFactory.create(name="Elm")
    penrose = assign_teacher(TeacherFactory.create(title="Mr", last_name="Penrose"), elm)
    zofia = PupilFactory.create(school_class=elm, first_name="Zofia", surname="Nettleford")
    zofia_parent = ParentLinkFactory.create(pupil=zofia).parent
    other = message_start(
        acting_user=zofia_parent, other=penrose, pupil=zofia, body="The reading folder is back."
    )

    page = signed_in(open_page, live_server, parent)
    open_messages(page)
    page.get_by_role("link", name="New message").click()
    to = page.get_by_label("To", exact=True)
    expect(to.locator("option")).to_have_text(["—", "Mrs Hughes – Maya"])
    check_page(page, request_log)

    # A form changed in the page to name Mr Penrose is refused, naming whom to contact instead.
    forged = f"{maya.pk}-{penrose.pk}"
    to.evaluate("(select, value) => select.add(new Option('Mr Penrose – Maya', value))", forged)
    to.select_option(value=forged)
    page.get_by_label("Message", exact=True).fill("Can Maya join the Elm choir?")
    page.get_by_role("button", name="Send", exact=True).click()
    refusal = page.get_by_role("main").get_by_role("alert")
    expect(refusal).to_contain_text(f"please contact the school office on {OFFICE_PHONE}")
    assert list(Message.objects.all()) == [other]
    check_page(page, request_log)

    # Another family's thread does not exist for this parent, to read or to write in.
    url = f"{live_server.url}/messages/{other.thread_id}/"
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    response = page.goto(url)
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text("reading folder")
    posted = page.request.post(url, form={"csrfmiddlewaretoken": token, "body": "Hello"})
    assert posted.status == 404
    assert list(Message.objects.all()) == [other]


def test_R22_a_parent_writing_she_is_off_sick_today_is_offered_the_office_inbox(
    open_page: Callable[[], Page],
    live_server: Any,
    request_log: RequestLog,
    clock: Traveller,
) -> None:
    teacher, _maya, parent = oak_family()
    office = OfficeFactory.create()
    parent_page = signed_in(open_page, live_server, parent)
    open_messages(parent_page)
    write_new(parent_page, "Mrs Hughes – Maya", SICK)

    offer = parent_page.locator("#office-offer")
    expect(offer.get_by_role("heading")).to_have_text("Before you send it")
    expect(offer).to_contain_text("This looks like a matter for the school office (Sickness).")
    expect(offer).to_contain_text(f"phone the school office on {OFFICE_PHONE}")
    expect(offer.get_by_role("button", name="Send to Mrs Hughes anyway")).to_be_visible()
    expect(parent_page.get_by_label("Message", exact=True)).to_have_value(SICK)
    assert not Message.objects.exists()
    check_page(parent_page, request_log)  # the compose page with the office offer

    offer.get_by_role("button", name="Send to the school office").click()
    expect(parent_page.get_by_role("status")).to_have_text(
        "Sent to the school office. The office answers here."
    )
    expect(parent_page.get_by_role("heading", level=1)).to_have_text("School office – Maya")
    expect(message_item(parent_page, SICK)).to_be_visible()

    office_page = signed_in(open_page, live_server, office)
    office_page.get_by_role("link", name="The office inbox").click()
    expect(office_page).to_have_url(f"{live_server.url}/messages/office/")
    row = thread_row(office_page, "Dana Brightwater")
    expect(row).to_contain_text("Sickness: Dana Brightwater – Maya (Oak)")
    expect(row).to_contain_text("1 new")
    check_page(office_page, request_log)  # the office inbox
    row.get_by_role("link").click()
    expect(message_item(office_page, SICK)).to_be_visible()

    # The teacher never sees it: it went to the office only.
    teacher_page = signed_in(open_page, live_server, teacher)
    open_messages(teacher_page)
    expect(teacher_page.get_by_role("main")).to_contain_text("No messages yet.")
    assert not Thread.objects.filter(teacher=teacher).exists()
