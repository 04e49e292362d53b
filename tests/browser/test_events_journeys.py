"""Events in a real browser (R35): a teacher at a classroom PC (1366×768) posts a trip with a
reply deadline and sees who has not answered; a parent on a phone answers "Going" and copies
their private calendar address. Every page visited passes axe-core, fits 320 px and loads
nothing from elsewhere (R10)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, ViewportSize, expect

from classes.models import School
from events.models import Answer, Event, Reply
from events.services.events import event_create
from events.services.replies import reply_set
from stories.models import Audience
from tests.browser.conftest import RequestLog, check_page, sign_in
from tests.clock import LONDON
from tests.factories import (
    PASSWORD,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK: ViewportSize = {"width": 1366, "height": 768}


def check_at_the_desk(page: Page, request_log: RequestLog) -> None:
    check_page(page, request_log)
    page.set_viewport_size(DESK)


def test_R35_a_teacher_posts_a_trip_with_a_deadline_and_sees_who_has_not_answered(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    oak = SchoolClassFactory.create(name="Oak")
    teacher = assign_teacher(TeacherFactory.create(title="Mrs", last_name="Hughes"), oak)
    maya, leo = (
        ParentLinkFactory.create(pupil=PupilFactory.create(school_class=oak, first_name=name))
        for name in ("Maya", "Leo")
    )
    assert teacher.email
    sign_in(page, live_server, teacher.email, PASSWORD)
    page.set_viewport_size(DESK)

    page.get_by_role("link", name="Upcoming", exact=True).click()
    check_at_the_desk(page, request_log)
    page.get_by_role("link", name="New event for Oak").click()
    check_at_the_desk(page, request_log)
    page.get_by_label("Title").fill("Trip to the farm")
    page.get_by_label("Date", exact=True).fill("2026-12-04")
    page.get_by_label("Starts at").fill("09:30")
    page.get_by_label("Ends at (optional)").fill("15:00")
    page.get_by_label("Place").fill("Hill Farm")
    page.get_by_label("What to bring").fill("Wellies and a packed lunch")
    page.get_by_label("Reply needed by (optional)").fill("2026-12-03T12:00")
    page.get_by_label("Details").fill("We will see the lambs.")
    post = page.get_by_role("button", name="Post the event")
    post.scroll_into_view_if_needed()
    post.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Trip to the farm")
    expect(page.get_by_text("The event is posted.")).to_be_visible()
    event = Event.objects.get()
    assert event.reply_by == dt.datetime(2026, 12, 3, 12, 0, tzinfo=LONDON)
    waiting = page.locator(".waiting li")
    expect(waiting).to_have_text(["Leo", "Maya"])
    check_at_the_desk(page, request_log)

    # Maya's family answers; the teacher sees it, and reminds Leo's (once).
    reply_set(acting_user=maya.parent, event=event, pupil=maya.pupil, answer=Answer.GOING)
    page.reload()
    expect(page.get_by_text("Going: 1 · Not going: 0 · Maybe: 0 · No answer: 1")).to_be_visible()
    expect(waiting).to_have_text(["Leo"])
    page.get_by_role("button", name="Remind those who have not answered").click()
    expect(page.get_by_text("The reminder is sent to 1 family.")).to_be_visible()
    expect(page.get_by_role("button", name="Remind those who have not answered")).to_have_count(0)
    expect(page.get_by_text("Reminder sent on")).to_be_visible()
    check_at_the_desk(page, request_log)
    assert leo.parent.notifications.filter(key=f"event-reminder:{event.pk}").exists()


def test_R35_a_parent_on_a_phone_answers_going_and_copies_the_calendar_address(
    page: Page,
    context: BrowserContext,
    live_server: Any,
    request_log: RequestLog,
    school: School,
) -> None:
    oak = SchoolClassFactory.create(name="Oak")
    teacher = assign_teacher(TeacherFactory.create(), oak)
    link = ParentLinkFactory.create(pupil=PupilFactory.create(school_class=oak, first_name="Maya"))
    event = event_create(
        acting_user=teacher,
        audience=Audience.CLASS,
        school_class=oak,
        title="Trip to the farm",
        starts_on=dt.date(2026, 12, 4),
        starts_at=dt.time(9, 30),
        place="Hill Farm",
        reply_by=dt.datetime(2026, 12, 3, 12, 0, tzinfo=LONDON),
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    assert link.parent.email
    sign_in(page, live_server, link.parent.email, PASSWORD)

    page.get_by_role("link", name="Upcoming", exact=True).click()
    check_page(page, request_log)
    page.get_by_role("link", name="Trip to the farm").click()
    check_page(page, request_log)
    card = page.locator(".reply-card")
    expect(card.get_by_role("heading")).to_have_text("Maya")
    expect(card.locator(".reply-now")).to_have_text("No answer yet")
    card.get_by_role("button", name="Going", exact=True).click()
    expect(page.get_by_text("Your answer is saved.")).to_be_visible()
    expect(card.locator(".reply-now")).to_have_text("Going")
    expect(card.get_by_role("button", name="Going", exact=True, pressed=True)).to_be_visible()
    check_page(page, request_log)
    assert Reply.objects.get(event=event).answer == Answer.GOING

    page.get_by_role("link", name="Upcoming", exact=True).first.click()
    page.get_by_role("link", name="Add to your phone’s calendar").click()
    check_page(page, request_log)
    address = page.get_by_label("Calendar address")
    url = address.input_value()
    assert url.startswith(f"{live_server.url}/events/feed/")
    page.get_by_role("button", name="Copy the address").click()
    expect(page.locator(".copy-status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == url
    feed = page.request.get(url)
    assert feed.status == 200 and "SUMMARY:Trip to the farm" in feed.text()
