"""Browser journeys: Playwright (sync API) on Debian's Chromium against the live test server.

Every page a journey visits is checked with axe-core (WCAG 2.2 A/AA), at 320 px without
horizontal scrolling, and no request may leave the school's server (R10). Chromium and
``node_modules/axe-core`` are optional on a developer's machine (the tests skip) and required
in CI (``DOJO_REQUIRE_ALL=1``: the tests fail).

Playwright is never asked to download a browser: ``playwright install`` is not used.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, ViewportSize

from classes.models import School
from tests.requirements import require_or_skip

AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
MOBILE: ViewportSize = {"width": 360, "height": 740}
NARROWEST = 320
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Schemes that never reach the network.
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, headless, with every phone-home feature off."""
    chromium = shutil.which("chromium")
    require_or_skip(chromium is not None, "Chromium is not installed (apt-get install chromium)")
    require_or_skip(AXE_PATH.exists(), f"axe-core is not installed at {AXE_PATH} (npm ci)")
    return {
        **browser_type_launch_args,
        "executable_path": chromium,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": MOBILE, "locale": "en-GB"}


class RequestLog:
    """Every URL the page asked for, so a test can prove nothing left the school's server."""

    def __init__(self, allowed_netloc: str) -> None:
        self.allowed_netloc = allowed_netloc
        self.urls: list[str] = []

    def record(self, url: str) -> None:
        self.urls.append(url)

    def foreign(self) -> list[str]:
        return [
            url
            for url in self.urls
            if urlsplit(url).scheme not in LOCAL_SCHEMES
            and urlsplit(url).netloc != self.allowed_netloc
        ]

    def assert_all_local(self) -> None:
        foreign = self.foreign()
        assert not foreign, f"R10: requests left the school's server: {foreign}"


@pytest.fixture
def school(transactional_db: None) -> School:
    """The school, as the shared fixture makes it. A migration creates the row, but the flush
    after every transactional test empties the tables, so it is made here when missing (no
    ``serialized_rollback`` needed)."""
    school, _created = School.objects.get_or_create(singleton=True)
    school.name = "New Village Primary"
    school.office_phone = "01302 555 0100"
    school.office_email = "office@school.example.org"
    school.full_clean()
    school.save()
    return school


@pytest.fixture
def request_log(live_server: Any) -> RequestLog:
    return RequestLog(urlsplit(live_server.url).netloc)


@pytest.fixture
def page(context: BrowserContext, request_log: RequestLog) -> Iterator[Page]:
    """A phone-sized page whose every request is recorded; any foreign request fails the test."""
    page = context.new_page()
    page.on("request", lambda req: request_log.record(req.url))
    yield page
    request_log.assert_all_local()


def _format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe-core found {len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}: {node.get('failureSummary', '')}")
    return "\n".join(lines)


@functools.cache
def _axe_source() -> str:
    return AXE_PATH.read_text(encoding="utf-8")


def axe_check(page: Page) -> None:
    """Assert the page has no WCAG 2.2 A/AA violation that axe-core can find."""
    # A click that navigates returns once the new page has begun: wait for its stylesheets, or
    # axe measures the page as it looks unstyled (17 px links where the CSS makes them 44 px).
    page.wait_for_load_state("load")
    # Evaluated through the DevTools protocol: the portal's CSP (rightly) refuses the inline
    # script tag that add_script_tag would insert, and bypassing the CSP would hide real faults.
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    violations = result["violations"]
    assert not violations, _format_violations(page.url, violations)


def assert_fits_narrowest(page: Page) -> None:
    """At 320 px wide the page needs no horizontal scrolling; the viewport is restored after."""
    page.set_viewport_size({"width": NARROWEST, "height": MOBILE["height"]})
    try:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= NARROWEST, f"{page.url} scrolls sideways at 320 px (content {width} px)"
    finally:
        page.set_viewport_size(MOBILE)


def check_page(page: Page, request_log: RequestLog | None = None) -> None:
    """The checks every visited page passes: axe-core, 320 px, and (when given) R10."""
    axe_check(page)
    assert_fits_narrowest(page)
    if request_log is not None:
        request_log.assert_all_local()


def sign_in(page: Page, live_server: Any, email: str, password: str) -> None:
    """Sign in through allauth's real form; the sign-in page is checked on the way."""
    page.goto(f"{live_server.url}/accounts/login/")
    check_page(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_in_with_two_factor(page: Page, live_server: Any, person: Any) -> None:
    """Sign in with the password and then a TOTP code (set up for ``person`` here), as office
    staff and leaders must before any page of the portal."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from tests.factories import PASSWORD, with_totp

    secret = with_totp(person)
    sign_in(page, live_server, str(person.email), PASSWORD)
    page.locator("input[name=code]").fill(
        format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    )
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/2fa/" not in url)
