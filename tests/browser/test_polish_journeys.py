"""The main journeys in Polish, in a real browser (issue 15), as the Arabic ones are right to
left: a parent joins with an invite code on the join page, which follows the browser's Polish,
then reads the feed and a post, writes to the teacher, reads their child's points and their
notifications, and opens their account and notification settings.

Polish words are long ("Powiadomienia", "Przetłumaczone komputerowo"), so every page is seen at
1366 px and at 320 px (``tests.browser.layout``): ``<html lang="pl" dir="ltr">``, no axe-core
violation, no sideways scroll, no two controls overlapping, and at 320 px every control at
least 44 px on each side. Fields are found by their names, buttons by their Polish words.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Page, expect

from accounts.models import ParentLink, User
from accounts.services.invites import invite_codes_create
from classes.models import School
from messaging.models import Message
from notifications.services import notify
from points.models import Skill
from points.services.awards import points_award
from stories.models import Audience
from stories.services.posts import post_create
from tests.browser.conftest import RequestLog
from tests.browser.layout import WIDE, check_layout
from tests.factories import (
    PASSWORD,
    OfficeFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
)
from tests.notifications.helpers import message_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POST = "We planted bulbs in the school garden today."
MESSAGE = "Czy Maja może przynieść flet na lekcję muzyki w piątek?"


def polish(text: str) -> str:
    with translation.override("pl"):
        return gettext(text)


def check_polish(page: Page, request_log: RequestLog) -> None:
    check_layout(page, request_log, lang="pl", direction="ltr")


@pytest.fixture
def polish_page(browser: Browser, request_log: RequestLog) -> Iterator[Page]:
    """One page in a browser whose language is Polish; every request recorded (R10)."""
    context = browser.new_context(locale="pl-PL", viewport=WIDE)
    page = context.new_page()
    page.on("request", lambda req: request_log.record(req.url))
    yield page
    context.close()
    request_log.assert_all_local()


def join_in_polish(
    page: Page, live_server: Any, request_log: RequestLog, code: str, pupil
) -> None:
    page.goto(f"{live_server.url}/join/")
    expect(page.get_by_role("heading", level=1)).to_have_text(polish("Join the school portal"))
    check_polish(page, request_log)
    page.locator("input[name=code]").fill(code.lower().replace("-", " "))
    page.locator("input[name=dob_day]").fill(str(pupil.date_of_birth.day))
    page.locator("input[name=dob_month]").fill(str(pupil.date_of_birth.month))
    page.locator("input[name=dob_year]").fill(str(pupil.date_of_birth.year))
    page.locator("input[name=first_name]").fill("Agnieszka")
    page.locator("input[name=last_name]").fill("Wiśniewska")
    page.locator("input[name=email]").fill("agnieszka@example.org")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    # The portal's language is already Polish: the page follows the browser.
    expect(page.locator("[name=preferred_language]")).to_have_value("pl")
    page.get_by_role("button", name=polish("Create my account")).click()
    page.wait_for_load_state()


def test_a_polish_parent_joins_and_reads_feed_messages_points_notifications_and_settings(
    polish_page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    page = polish_page
    oak = SchoolClassFactory.create(name="Oak")
    teacher = assign_teacher(TeacherFactory.create(title="Mrs", last_name="Hughes"), oak)
    maja = PupilFactory.create(school_class=oak, first_name="Maja", surname="Kowalska")
    [(_invite, code)] = invite_codes_create(
        acting_user=OfficeFactory.create(), pupils=[maja], per_pupil=1
    )
    post = post_create(
        acting_user=teacher,
        audience=Audience.CLASS,
        school_class=oak,
        body=POST,
        no_child_appears=True,
    )
    curiosity, _made = Skill.objects.get_or_create(
        name="Curiosity",
        school_class=None,
        defaults={"kind": "positive", "value": 1, "icon": "puzzle"},
    )
    points_award(acting_user=teacher, school_class=oak, pupil_ids=[maja.pk], skill=curiosity)

    join_in_polish(page, live_server, request_log, code, maja)
    parent = User.objects.get(email="agnieszka@example.org")
    assert parent.preferred_language == "pl"
    assert ParentLink.objects.filter(parent=parent, pupil=maja).exists()
    check_polish(page, request_log)

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=2)).to_have_text(["Maja"])
    check_polish(page, request_log)

    page.goto(f"{live_server.url}/stories/")
    expect(page.get_by_text(POST)).to_be_visible()
    check_polish(page, request_log)

    page.goto(f"{live_server.url}/stories/{post.pk}/")
    expect(page.get_by_text(POST)).to_be_visible()
    check_polish(page, request_log)

    page.goto(f"{live_server.url}/messages/")
    check_polish(page, request_log)
    page.goto(f"{live_server.url}/messages/new/")
    check_polish(page, request_log)
    page.locator("select[name=to]").select_option(index=1)
    page.locator("textarea[name=body]").fill(MESSAGE)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    expect(page.get_by_text(MESSAGE)).to_be_visible()
    assert Message.objects.get().body == MESSAGE
    check_polish(page, request_log)

    page.goto(f"{live_server.url}/points/child/{maja.pk}/")
    expect(page.locator(".points-totals dd").first).to_have_text("1")
    check_polish(page, request_log)

    notify([message_event(parent)], now=timezone.now())
    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator("main li").first).to_be_visible()
    check_polish(page, request_log)

    page.goto(f"{live_server.url}/notifications/settings")
    check_polish(page, request_log)

    page.goto(f"{live_server.url}/account/")
    expect(page.get_by_role("button", name=polish("Save language"))).to_be_visible()
    check_polish(page, request_log)
