"""Every control of the main pages is at least 44 × 44 CSS px on a phone (WCAG 2.5.5), for a
parent (home, stories, a post, a message thread, their child's points, notifications, their
account) and a teacher (home, the award screen). A link inside a sentence is measured as the
line it sits in (WCAG 2.5.8 exempts it); a check box or a radio is touched through its label."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize

from classes.models import School
from messaging.services.messages import message_start
from stories.models import Audience
from stories.services.posts import post_create
from tests.browser.conftest import RequestLog, check_page, sign_in
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

PHONE: ViewportSize = {"width": 390, "height": 844}
TARGET = 44

SMALL_CONTROLS = """size => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[role=button], [tabindex]:not([tabindex="-1"])';
  const shown = el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden'
    && !el.closest('[hidden], .visually-hidden, [aria-hidden=true]');
  const onPage = r => r.right > 0
    && r.left < document.documentElement.scrollWidth;
  const inSentence = el => el.tagName === 'A' && el.parentElement.closest('p, dd, td')
    && [...el.parentElement.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  const area = el => {
    let r = el.getBoundingClientRect();
    let [left, top, right, bottom] = [r.left, r.top, r.right, r.bottom];
    for (const label of el.labels || []) {
      const l = label.getBoundingClientRect();
      [left, top] = [Math.min(left, l.left), Math.min(top, l.top)];
      [right, bottom] = [Math.max(right, l.right), Math.max(bottom, l.bottom)];
    }
    return {width: right - left, height: bottom - top, r};
  };
  return [...document.querySelectorAll(selector)].filter(shown).filter(el => !inSentence(el))
    .map(el => [el, area(el)]).filter(([el, a]) => onPage(a.r))
    .filter(([el, a]) => a.width + 0.5 < size || a.height + 0.5 < size)
    .map(([el, a]) => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' "'
      + (el.textContent || el.value || el.name || '').trim().slice(0, 40) + '" '
      + Math.round(a.width) + 'x' + Math.round(a.height));
}"""


def small_targets(page: Page) -> list[str]:
    """The controls of the page smaller than the target, each as "tag.class "text" W×H"."""
    page.wait_for_load_state("load")
    small: list[str] = page.evaluate(SMALL_CONTROLS, TARGET)
    # The skip link shows only when focused: it too is a target then.
    page.keyboard.press("Tab")
    box = page.locator(".skip-link").bounding_box()
    if box is None or box["height"] < TARGET or box["width"] < TARGET:
        small.append(f"the skip link, focused: {box}")
    return small


def _visit(page: Page, url: str, request_log: RequestLog) -> list[str]:
    page.goto(url)
    small = small_targets(page)
    check_page(page, request_log)
    return [f"{url}: {control}" for control in small]


def test_every_control_of_the_main_pages_is_44_px_on_a_phone(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    oak = SchoolClassFactory.create(name="Oak")
    teacher = assign_teacher(TeacherFactory.create(title="Mrs", last_name="Hughes"), oak)
    maya = PupilFactory.create(school_class=oak, first_name="Maya")
    PupilFactory.create_batch(5, school_class=oak)
    parent = ParentLinkFactory.create(pupil=maya).parent
    post = post_create(
        acting_user=teacher,
        audience=Audience.CLASS,
        school_class=oak,
        body="We planted bulbs in the garden this morning.",
    )
    thread = message_start(
        acting_user=parent, other=teacher, pupil=maya, body="Could Maya bring her recorder?"
    ).thread
    page.set_viewport_size(PHONE)

    small: list[str] = []
    sign_in(page, live_server, parent.email, PASSWORD)
    for path in (
        "/",
        "/stories/",
        f"/stories/{post.pk}/",
        f"/messages/{thread.pk}/",
        f"/points/child/{maya.pk}/",
        "/notifications/",
        "/account/",
    ):
        small += _visit(page, live_server.url + path, request_log)

    page.context.clear_cookies()
    assert teacher.email is not None
    sign_in(page, live_server, teacher.email, PASSWORD)
    for path in ("/", f"/points/class/{oak.pk}/", f"/messages/{thread.pk}/", "/stories/"):
        small += _visit(page, live_server.url + path, request_log)
    assert not small, "controls smaller than 44 px on a phone:\n" + "\n".join(small)
