"""A parent's whole journey in Polish and in Arabic, in a real browser (issue 15): they join
with an invite code on the join page, which follows the browser's language, then read the feed
and a post, write to the teacher, read their child's points and their notifications, and open
their account and notification settings. (``test_right_to_left.py`` has more of Arabic: the
teacher's award screen and charts.)

Polish words are long ("Powiadomienia", "Przetłumaczone komputerowo") and Arabic runs right to
left, so every page is seen at 1366 px and at 320 px (``tests.browser.layout``): the document's
``lang`` and direction, no axe-core violation, no sideways scroll, no two controls overlapping,
and at 320 px every control at least 44 px on each side. Fields are found by their names,
buttons by their words in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Page, expect

from accounts.middleware import interface_language
from accounts.models import ParentLink, User
from accounts.services.invites import invite_codes_create
from classes.models import Pupil, School
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
from tests.requirements import require_or_skip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POST = "We planted bulbs in the school garden today."
# What each parent writes to the teacher, in their language; the browser's locale; direction.
READERS = {
    "pl": ("Czy Maja może przynieść flet na lekcję muzyki w piątek?", "pl-PL", "ltr"),
    "ar": ("هل يمكن أن تحضر مايا آلة الفلوت إلى درس الموسيقى يوم الجمعة؟", "ar", "rtl"),
}


@pytest.fixture(params=list(READERS))
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    interface_language.cache_clear()
    require_or_skip(
        interface_language(request.param) is not None,
        f"the {request.param} catalogue is not compiled (make catalogues, needs msgfmt)",
    )
    yield str(request.param)
    interface_language.cache_clear()


def in_language(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


@pytest.fixture
def reader_page(browser: Browser, request_log: RequestLog, language: str) -> Iterator[Page]:
    """One page in a browser whose language is the reader's; every request recorded (R10)."""
    context = browser.new_context(locale=READERS[language][1], viewport=WIDE)
    page = context.new_page()
    page.on("request", lambda req: request_log.record(req.url))
    yield page
    context.close()
    request_log.assert_all_local()


def join(
    page: Page, live_server: Any, check: Callable[[], None], code: str, pupil: Pupil, language: str
) -> None:
    """Through the join page, which is in the browser's language."""
    page.goto(f"{live_server.url}/join/")
    heading = in_language(language, "Join the school portal")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    check()
    page.locator("input[name=code]").fill(code.lower().replace("-", " "))
    page.locator("input[name=dob_day]").fill(str(pupil.date_of_birth.day))
    page.locator("input[name=dob_month]").fill(str(pupil.date_of_birth.month))
    page.locator("input[name=dob_year]").fill(str(pupil.date_of_birth.year))
    page.locator("input[name=first_name]").fill("Agnieszka")
    page.locator("input[name=last_name]").fill("Wiśniewska")
    page.locator("input[name=email]").fill("agnieszka@example.org")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    # The portal's language is already the reader's: the page follows the browser.
    expect(page.locator("[name=preferred_language]")).to_have_value(language)
    page.get_by_role("button", name=in_language(language, "Create my account")).click()
    page.wait_for_load_state()


def test_R32_a_parent_joins_and_reads_feed_messages_points_notifications_and_settings(
    reader_page: Page, live_server: Any, request_log: RequestLog, school: School, language: str
) -> None:
    page = reader_page
    message, _locale, direction = READERS[language]

    def check() -> None:
        check_layout(page, request_log, lang=language, direction=direction)

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

    join(page, live_server, check, code, maja, language)
    parent = User.objects.get(email="agnieszka@example.org")
    assert parent.preferred_language == language
    assert ParentLink.objects.filter(parent=parent, pupil=maja).exists()
    check()

    page.goto(f"{live_server.url}/")
    # The child's card, then the news (posts are headings within it).
    expect(page.get_by_role("heading", level=2)).to_have_text(
        ["Maja", in_language(language, "News")]
    )
    check()

    page.goto(f"{live_server.url}/stories/")
    expect(page.get_by_text(POST)).to_be_visible()
    check()

    page.goto(f"{live_server.url}/stories/{post.pk}/")
    expect(page.get_by_text(POST)).to_be_visible()
    check()

    page.goto(f"{live_server.url}/messages/")
    check()
    page.goto(f"{live_server.url}/messages/new/")
    check()
    page.locator("select[name=to]").select_option(index=1)
    page.locator("textarea[name=body]").fill(message)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    expect(page.get_by_text(message)).to_be_visible()
    assert Message.objects.get().body == message
    check()

    page.goto(f"{live_server.url}/points/child/{maja.pk}/")
    expect(page.locator(".points-totals dd").first).to_have_text("1")
    check()

    notify([message_event(parent)], now=timezone.now())
    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator("main li").first).to_be_visible()
    check()

    page.goto(f"{live_server.url}/notifications/settings")
    check()

    page.goto(f"{live_server.url}/account/")
    expect(page.get_by_role("button", name=in_language(language, "Save language"))).to_be_visible()
    check()
