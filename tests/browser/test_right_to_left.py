"""The main journeys in Arabic, right to left, in a real browser (issue 15): a parent signs in
and reads the feed, a post, a message thread, their child's points and monster, and their
notifications; a teacher opens the class story, gives points on the award screen and reads the
class report's charts.

Every page is seen at 1366 px and at 320 px, and at both it is ``<html dir="rtl" lang="ar">``,
passes axe-core, scrolls no way but down, and no two of its controls overlap; at 320 px every
control is at least 44 px on each side. The charts' words and numbers stay inside the chart,
clear of each other and of the plot, with each number's sign before it.

Each person signs in once, in one browser whose language is Arabic (the sign-in page follows
it); their account's language is Arabic too, which is what the portal follows once they are in.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.middleware import interface_language
from accounts.models import User
from classes.models import School, SchoolClass
from messaging.services.messages import message_start
from notifications.services import notify
from points.models import Skill
from points.services.awards import points_award
from stories.models import Audience
from stories.services.posts import post_create
from tests.browser.conftest import RequestLog
from tests.browser.layout import NARROW, WIDE, check_layout
from tests.factories import (
    PASSWORD,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
)
from tests.notifications.helpers import message_event
from tests.requirements import require_or_skip

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

POST = "We planted bulbs in the school garden today."
MESSAGE = "Maya read her poem to the class. She was very brave."

# Every word and number of a chart lies inside the chart and clear of every other, the axis's
# numbers end before the plot starts, and a signed number shows its sign first.
CHART_FAULTS = """() => {
  const faults = [];
  for (const svg of document.querySelectorAll('svg.chart')) {
    const frame = svg.getBoundingClientRect();
    const texts = [...svg.querySelectorAll('text')];
    const boxes = texts.map(t => t.getBoundingClientRect());
    texts.forEach((t, i) => {
      const r = boxes[i];
      if (r.left < frame.left - 1 || r.right > frame.right + 1 || r.top < frame.top - 1 ||
          r.bottom > frame.bottom + 1) faults.push('outside the chart: ' + t.textContent);
      for (let j = i + 1; j < texts.length; j++) {
        const q = boxes[j];
        const w = Math.min(r.right, q.right) - Math.max(r.left, q.left);
        const h = Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top);
        if (w > 0.5 && h > 0.5) faults.push(t.textContent + ' overlaps ' + texts[j].textContent);
      }
      const content = t.textContent;
      for (let k = 0; k < content.length - 1; k++) {
        if ('+\\u2212'.includes(content[k]) && /[0-9]/.test(content[k + 1])) {
          const sign = t.getExtentOfChar(k), digit = t.getExtentOfChar(k + 1);
          if (sign.x >= digit.x) faults.push('sign after its number: ' + content);
        }
      }
    });
    const plot = svg.querySelector('line');
    if (plot) {
      const start = plot.getBoundingClientRect().left;
      for (const t of svg.querySelectorAll('text[text-anchor=end]')) {
        const end = t.getBoundingClientRect().right;
        if (end > start + 0.5) faults.push('in the plot: ' + t.textContent);
      }
    }
  }
  return faults;
}"""


@pytest.fixture(autouse=True)
def _arabic_catalogue() -> Iterator[None]:
    interface_language.cache_clear()
    require_or_skip(
        interface_language("ar") is not None,
        "the Arabic catalogue is not compiled (make catalogues, needs msgfmt)",
    )
    yield
    interface_language.cache_clear()


@pytest.fixture
def arabic_page(browser: Browser, request_log: RequestLog) -> Iterator[Page]:
    """One page in a browser whose language is Arabic; every request recorded (R10)."""
    context = browser.new_context(locale="ar", viewport=WIDE)
    page = context.new_page()
    page.on("request", lambda req: request_log.record(req.url))
    yield page
    context.close()
    request_log.assert_all_local()


def check_right_to_left(page: Page, request_log: RequestLog) -> None:
    """The checks of every page (``tests.browser.layout``), in Arabic, right to left."""
    check_layout(page, request_log, lang="ar", direction="rtl")


def sign_in_arabic(page: Page, live_server: Any, user: User, request_log: RequestLog) -> None:
    """Through the real form, which is in Arabic: the browser asks for Arabic."""
    page.goto(f"{live_server.url}/accounts/login/")
    check_right_to_left(page, request_log)
    assert user.email
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page).to_have_url(f"{live_server.url}/")


def arabic_reader(user: User) -> User:
    user.preferred_language = "ar"
    user.save()
    return user


def oak_with_teacher() -> tuple[SchoolClass, User]:
    oak = SchoolClassFactory.create(name="Oak")
    teacher = assign_teacher(TeacherFactory.create(title="Mrs", last_name="Hughes"), oak)
    return oak, teacher


def skills() -> tuple[Skill, Skill]:
    """A school value and a needs-work skill (the flush after each test empties the table)."""
    curiosity, _made = Skill.objects.get_or_create(
        name="Curiosity",
        school_class=None,
        defaults={"kind": "positive", "value": 1, "icon": "puzzle"},
    )
    calling_out, _made = Skill.objects.get_or_create(
        name="Calling out",
        school_class=None,
        defaults={"kind": "needs_work", "value": -1, "icon": "speech"},
    )
    return curiosity, calling_out


def test_an_arabic_parent_reads_feed_post_messages_points_and_notifications_right_to_left(
    arabic_page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    page = arabic_page
    oak, teacher = oak_with_teacher()
    maya = PupilFactory.create(school_class=oak, first_name="Maya")
    parent = arabic_reader(ParentLinkFactory.create(pupil=maya).parent)
    post = post_create(
        acting_user=teacher,
        audience=Audience.CLASS,
        school_class=oak,
        body=POST,
        no_child_appears=True,
    )
    thread = message_start(acting_user=teacher, other=parent, pupil=maya, body=MESSAGE).thread
    curiosity, calling_out = skills()
    for skill in (curiosity, curiosity, calling_out):
        points_award(acting_user=teacher, school_class=oak, pupil_ids=[maya.pk], skill=skill)
    notify([message_event(parent)], now=timezone.now())

    sign_in_arabic(page, live_server, parent, request_log)
    check_right_to_left(page, request_log)

    page.goto(f"{live_server.url}/stories/")
    expect(page.get_by_text(POST)).to_be_visible()
    check_right_to_left(page, request_log)

    page.goto(f"{live_server.url}/stories/{post.pk}/")
    expect(page.get_by_text(POST)).to_be_visible()
    check_right_to_left(page, request_log)

    page.goto(f"{live_server.url}/messages/{thread.pk}/")
    expect(page.get_by_text(MESSAGE)).to_be_visible()
    check_right_to_left(page, request_log)

    page.goto(f"{live_server.url}/points/child/{maya.pk}/")
    today = page.locator(".points-totals dd").first
    expect(today).to_have_text("1")
    expect(page.locator(".points-head .monster, .points-head svg").first).to_be_visible()
    check_right_to_left(page, request_log)
    assert page.evaluate(CHART_FAULTS) == []

    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator("main li").first).to_be_visible()
    check_right_to_left(page, request_log)


def test_an_arabic_teacher_reads_the_story_gives_points_and_reads_the_charts_right_to_left(
    arabic_page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    page = arabic_page
    oak, teacher = oak_with_teacher()
    arabic_reader(teacher)
    maya = PupilFactory.create(school_class=oak, first_name="Maya")
    zainab = PupilFactory.create(school_class=oak, first_name="Zainab")
    post_create(
        acting_user=teacher,
        audience=Audience.CLASS,
        school_class=oak,
        body=POST,
        no_child_appears=True,
    )
    curiosity, calling_out = skills()
    points_award(acting_user=teacher, school_class=oak, pupil_ids=[maya.pk], skill=calling_out)
    for _twice in range(2):
        points_award(acting_user=teacher, school_class=oak, pupil_ids=[zainab.pk], skill=curiosity)

    sign_in_arabic(page, live_server, teacher, request_log)

    page.goto(f"{live_server.url}/stories/?class={oak.pk}")
    expect(page.get_by_text(POST)).to_be_visible()
    check_right_to_left(page, request_log)

    page.goto(f"{live_server.url}/points/class/{oak.pk}/")
    check_right_to_left(page, request_log)
    tile = page.locator(f"#tile-{maya.pk}")
    tile.locator("label.tile").click()
    check = tile.locator(".tile-check")
    expect(check).to_be_checked()
    # The tick box sits at the tile's start, which is its right in Arabic.
    box, frame = check.bounding_box(), tile.bounding_box()
    assert box and frame and box["x"] > frame["x"] + frame["width"] / 2
    page.locator(f"button.skill-button[value='{curiosity.pk}']").click()
    confirm = page.locator(".award-confirm")
    expect(confirm).to_contain_text("Maya")
    expect(page.locator(f"#tile-today-{maya.pk}")).to_contain_text("0")
    check_right_to_left(page, request_log)

    page.goto(f"{live_server.url}/points/class/{oak.pk}/report/?period=month")
    expect(page.locator("svg.chart")).to_have_count(2)
    check_right_to_left(page, request_log)
    for viewport in (WIDE, NARROW):
        page.set_viewport_size(viewport)
        assert page.evaluate(CHART_FAULTS) == [], f"the charts at {viewport['width']} px"
    page.set_viewport_size(WIDE)
