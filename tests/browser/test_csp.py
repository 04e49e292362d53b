"""No page breaks its own content security policy (R10, no inline script or style): the
browser reports no violation on the main pages of each role — the feed, a post, composing,
the award screen, messages, notifications and the admin — as they load and as htmx swaps parts
of them. htmx is loaded by the base layout alone, with its configuration (no indicator styles,
which htmx would otherwise insert as an inline ``<style>``)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Page, expect

from accounts.models import User
from classes.models import Pupil, School
from messaging.services.messages import message_start
from notifications.models import Kind
from notifications.services import Event, notify
from points.models import Skill, SkillKind
from stories.models import Audience, Post
from stories.services.posts import post_create
from tests.browser.conftest import sign_in
from tests.factories import (
    PASSWORD,
    OfficeFactory,
    ParentLinkFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
    with_totp,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]
# Runs before any script of each document: every violation the browser reports is kept.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} refused ${event.blockedURI || "inline code"}` +
    ` (${event.sourceFile || "the page"}:${event.lineNumber})`
  );
});
"""


class Violations:
    """What the browser reported on each page: the events, and the console's CSP errors."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.found: dict[str, list[str]] = {}
        page.add_init_script(WATCH_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.found.setdefault(self.page.url, []).append(f"console: {message.text}")

    def collect(self) -> None:
        """After a page loaded (or swapped a part): let queued reports arrive, then keep them."""
        self.page.wait_for_load_state("load")
        # Violation events are queued as tasks: two frames later they have been dispatched.
        self.page.evaluate(
            "() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 50)))"
        )
        reported = self.page.evaluate("() => window.__cspViolations || []")
        if reported:
            self.found.setdefault(self.page.url, []).extend(reported)

    def visit(self, url: str) -> None:
        self.page.goto(url)
        self.collect()

    def assert_none(self) -> None:
        assert not self.found, "CSP violations:\n" + "\n".join(
            f"- {url}: {report}" for url, reports in self.found.items() for report in reports
        )


def oak_family() -> tuple[User, User, Pupil, Post]:
    oak = SchoolClassFactory.create(name="Oak")
    teacher = assign_teacher(TeacherFactory.create(title="Mrs", last_name="Hughes"), oak)
    link = ParentLinkFactory.create(pupil__school_class=oak, pupil__first_name="Maya")
    for name, icon in (("Resilience", "shield"), ("Cooperation", "puzzle")):
        Skill.objects.get_or_create(
            name=name,
            school_class=None,
            defaults={"kind": SkillKind.POSITIVE, "value": 1, "icon": icon},
        )
    post = post_create(
        acting_user=teacher,
        audience=Audience.CLASS,
        school_class=oak,
        body="The children enjoyed the school trip.",
    )
    return teacher, link.parent, link.pupil, post


def test_R10_no_page_of_a_teacher_or_a_parent_violates_the_csp(
    page: Page, live_server: Any, school: School
) -> None:
    teacher, parent, maya, post = oak_family()
    message = message_start(acting_user=teacher, other=parent, pupil=maya, body="Maya read well.")
    link = reverse("stories_post", args=[post.pk])
    notify([Event(Kind.NEW_POST, f"post:{post.pk}", parent.pk, link, {"name": "Oak"})])
    watch = Violations(page)
    url = live_server.url
    assert teacher.email and parent.email and maya.school_class_id

    class_id = maya.school_class_id
    sign_in(page, live_server, teacher.email, PASSWORD)
    watch.collect()
    for name, args in (
        ("home", ()),
        ("stories_feed", ()),
        ("stories_post", (post.pk,)),
        ("stories_new_class", (class_id,)),
        ("messaging_inbox", ()),
        ("messaging_thread", (message.thread_id,)),
        ("notifications", ()),
        ("notification_settings", ()),
        ("points_class", (class_id,)),
    ):
        watch.visit(url + reverse(name, args=args))
    page.locator("label.tile", has_text="Maya").click()
    page.get_by_role("button", name="Resilience").click()
    expect(page.get_by_role("status").filter(has_text="Resilience")).to_contain_text("Maya")
    watch.collect()  # after htmx swapped in the confirmation
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, parent.email, PASSWORD)
    for name, args in (
        ("home", ()),
        ("stories_post", (post.pk,)),
        ("messaging_inbox", ()),
        ("notifications", ()),
        ("stories_feed", ()),
    ):
        watch.visit(url + reverse(name, args=args))
    page.get_by_role("button", name="Like").click()
    expect(page.get_by_role("button", name="Liked")).to_be_visible()
    watch.collect()  # after htmx swapped in the like

    watch.assert_none()


def test_R10_the_admin_index_does_not_violate_the_csp(
    page: Page, live_server: Any, school: School
) -> None:
    office = OfficeFactory.create()
    secret = with_totp(office)
    watch = Violations(page)
    assert office.email

    sign_in(page, live_server, office.email, PASSWORD)
    page.locator("input[name=code]").fill(
        format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    )
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/2fa/" not in url)
    watch.visit(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    watch.assert_none()


def test_htmx_is_loaded_by_the_base_layout_alone_with_its_configuration() -> None:
    """One place loads htmx and configures it, so no page can load it without the config."""
    templates = BASE_DIR / "templates"
    loading = sorted(
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if "htmx.min.js" in path.read_text(encoding="utf-8")
        or "htmx-config" in path.read_text(encoding="utf-8")
    )
    assert loading == ["base.html"]
    base = (templates / "base.html").read_text(encoding="utf-8")
    assert '"includeIndicatorStyles": false' in base
