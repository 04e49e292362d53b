"""Notifications on this device (R31), in a real browser: the settings page's section for
browsers that can take push, that block it, and that cannot, each passing axe-core at 320 px
with nothing loaded from elsewhere (R10), and operable from the keyboard.

Headless Chromium has no push service to reach, so the browser's ``PushManager`` is played by
a script added before the page loads: it hands out a subscription with keys the test made. The
page's own script, the service worker registration, the permission prompt (granted by the
test) and the posts to the portal are all real."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from accounts.models import User
from classes.models import School
from notifications.management.commands.vapid_keys import new_key_pair
from notifications.models import PushSubscription
from tests.browser.conftest import RequestLog, check_page, sign_in
from tests.factories import PASSWORD, ParentLinkFactory
from tests.notifications.push_device import Device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENDPOINT = "https://fcm.googleapis.com/fcm/send/browser-test-device"

# A stand-in for the browser's push subscription, kept across reloads in sessionStorage. It
# notes the key the page subscribed with, as base64url, in window.subscribedWithKey.
FAKE_PUSH_MANAGER = """
(() => {
  const subscription = %s;
  const make = () => ({
    endpoint: subscription.endpoint,
    expirationTime: null,
    options: { applicationServerKey: null, userVisibleOnly: true },
    toJSON() { return subscription; },
    unsubscribe() {
      sessionStorage.removeItem("fake-push");
      return Promise.resolve(true);
    },
  });
  PushManager.prototype.getSubscription = function () {
    return Promise.resolve(sessionStorage.getItem("fake-push") ? make() : null);
  };
  PushManager.prototype.subscribe = function (options) {
    const bytes = Array.from(new Uint8Array(options.applicationServerKey));
    window.subscribedWithKey = btoa(String.fromCharCode(...bytes))
      .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
    sessionStorage.setItem("fake-push", "1");
    return Promise.resolve(make());
  };
})();
"""


@pytest.fixture
def vapid(settings: Any) -> tuple[str, str]:
    public, private = new_key_pair()
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = public, private
    return public, private


@pytest.fixture
def parent(school: School) -> User:
    return ParentLinkFactory.create(pupil__first_name="Maya").parent


def open_settings(page: Page, live_server: Any, parent: User) -> None:
    assert parent.email
    sign_in(page, live_server, parent.email, PASSWORD)
    page.goto(f"{live_server.url}/notifications/settings")


def section(page: Page) -> Any:
    return page.get_by_role("region", name="Notifications on this device")


def test_R31_a_parent_turns_notifications_on_and_off_for_this_device(
    page: Page,
    context: BrowserContext,
    live_server: Any,
    request_log: RequestLog,
    parent: User,
    vapid: tuple[str, str],
) -> None:
    device = Device(ENDPOINT)
    context.grant_permissions(["notifications"], origin=live_server.url)
    page.add_init_script(FAKE_PUSH_MANAGER % json.dumps(device.as_json()))
    open_settings(page, live_server, parent)

    area = section(page)
    expect(
        area.get_by_text("This device does not show the portal's notifications.")
    ).to_be_visible()
    turn_on = area.get_by_role("button", name="Turn on")
    expect(area.get_by_role("button", name="Turn off")).to_be_hidden()
    check_page(page, request_log)

    turn_on.focus()
    page.keyboard.press("Enter")
    expect(area.get_by_role("status")).to_have_text("Notifications are on for this device.")
    expect(area.get_by_text("This device shows the portal's notifications.")).to_be_visible()
    turn_off = area.get_by_role("button", name="Turn off")
    expect(turn_off).to_be_focused()
    assert page.evaluate("window.subscribedWithKey") == vapid[0]
    stored = PushSubscription.objects.get(user=parent)
    assert (stored.endpoint, stored.p256dh, stored.auth) == (
        ENDPOINT,
        device.p256dh,
        device.auth,
    )
    check_page(page, request_log)

    page.reload()
    expect(section(page).get_by_role("button", name="Turn off")).to_be_visible()
    assert hashlib.sha256(ENDPOINT.encode()).hexdigest() in page.content()

    section(page).get_by_role("button", name="Turn off").click()
    expect(section(page).get_by_role("status")).to_have_text(
        "Notifications are off for this device."
    )
    expect(section(page).get_by_role("button", name="Turn on")).to_be_visible()
    assert not PushSubscription.objects.filter(user=parent).exists()


def test_R31_blocked_notifications_are_explained_with_no_button(
    page: Page, live_server: Any, request_log: RequestLog, parent: User, vapid: Any
) -> None:
    page.add_init_script(
        'Object.defineProperty(Notification, "permission", { get: () => "denied" });'
    )
    open_settings(page, live_server, parent)

    area = section(page)
    expect(area.get_by_text("Notifications from the portal are blocked")).to_be_visible()
    expect(area.get_by_role("button")).to_have_count(0)
    check_page(page, request_log)


def test_R31_a_browser_without_push_is_told_so(
    page: Page, live_server: Any, request_log: RequestLog, parent: User, vapid: Any
) -> None:
    page.add_init_script("delete window.PushManager;")
    open_settings(page, live_server, parent)

    area = section(page)
    expect(area.get_by_text("This browser cannot show notifications")).to_be_visible()
    expect(area.get_by_role("button")).to_have_count(0)
    check_page(page, request_log)


def test_R31_a_failure_to_subscribe_is_said_and_stores_nothing(
    page: Page,
    context: BrowserContext,
    live_server: Any,
    request_log: RequestLog,
    parent: User,
    vapid: Any,
) -> None:
    """A subscription the portal refuses (here: a push service on a private address) leaves
    the device off, with the portal's message in the status line."""
    device = Device("https://192.168.1.20/push/1")
    context.grant_permissions(["notifications"], origin=live_server.url)
    page.add_init_script(FAKE_PUSH_MANAGER % json.dumps(device.as_json()))
    open_settings(page, live_server, parent)

    section(page).get_by_role("button", name="Turn on").click()
    expect(section(page).get_by_role("status")).to_contain_text("private or local address")
    expect(section(page).get_by_role("button", name="Turn on")).to_be_visible()
    assert not PushSubscription.objects.exists()
    check_page(page, request_log)
