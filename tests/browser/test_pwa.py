"""The installable app in Chromium: it passes Chromium's own installability check, its worker
takes charge of the pages, the offline page stands in when the network is down, nothing private
is left in any cache after sign-out, and the "add to home screen" hint is accessible at 320 px.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, BrowserType, Page, expect

from accounts.models import User
from classes.models import School
from stories.models import Attachment, Audience, Post
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

SHELL = {
    "/static/css/portal.css",
    "/static/js/sw-register.js",
    "/static/js/install-hint.js",
    "/offline/",
    "/pwa/icon-192.png",
    "/pwa/icon-512.png",
    "/pwa/icon-maskable-192.png",
    "/pwa/icon-maskable-512.png",
}
WORKER_TIMEOUT_MS = 10_000
DISK_POLLS = 50
# Every URL held in the page's Cache Storage, whatever the cache.
CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
  }
  return urls.sort();
}"""
# Whether the browser's HTTP cache could answer for a URL without the network.
IN_HTTP_CACHE = """url => fetch(url, {cache: "only-if-cached", mode: "same-origin"})
  .then(response => response.ok, () => false)"""
# Private copies in a cache of their own and beside the shell in the worker's cache.
PLANT_PRIVATE_COPY = """async () => {
  for (const name of [...await caches.keys(), "left-behind"]) {
    const cache = await caches.open(name);
    await cache.put("/stories/", new Response("Our science week"));
  }
}"""
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
# What Chromium fires when it could install the app; the test plays the browser's part.
OFFER_INSTALL = """() => {
  const offer = new Event("beforeinstallprompt", {cancelable: true});
  offer.prompt = () => { window.installPrompted = true; return Promise.resolve(); };
  offer.userChoice = Promise.resolve({outcome: "accepted", platform: "web"});
  window.dispatchEvent(offer);
  return offer.defaultPrevented;
}"""


@pytest.fixture(autouse=True)
def _own_media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def wait_for_worker(page: Page) -> None:
    """Until the worker controls the page and has stored the whole shell (polled in the page:
    the portal's CSP rightly refuses the eval that ``wait_for_function`` would use)."""
    page.evaluate(
        f"""async shell => {{
          const deadline = Date.now() + {WORKER_TIMEOUT_MS};
          while (Date.now() < deadline) {{
            if (navigator.serviceWorker.controller) {{
              const cached = await ({CACHED_URLS})();
              if (shell.every(url => cached.includes(url))) return;
            }}
            await new Promise(resolve => setTimeout(resolve, 50));
          }}
          throw new Error("the worker did not take charge with the whole shell");
        }}""",
        sorted(SHELL),
    )


def cached_urls(page: Page) -> set[str]:
    return set(page.evaluate(CACHED_URLS))


def family_with_a_work_sample() -> tuple[User, Attachment]:
    """A parent whose child's class has a post with a work sample (a private file, R8)."""
    oak = SchoolClassFactory.create(name="Oak")
    teacher = assign_teacher(TeacherFactory.create(), oak)
    parent = ParentLinkFactory.create(pupil=PupilFactory.create(school_class=oak)).parent
    post = Post.objects.create(
        audience=Audience.CLASS,
        school_class=oak,
        author=teacher,
        body="Our science week",
        language="en-gb",
        published_at=timezone.now(),
    )
    name = default_storage.save("stories/sample.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    attachment = Attachment.objects.create(
        post=post, kind="document", content_type="application/pdf", file=name
    )
    return parent, attachment


def sign_in_as(page: Page, live_server: Any, user: User) -> None:
    assert user.email
    sign_in(page, live_server, user.email, PASSWORD)


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    return tmp_path / "profile"


@pytest.fixture
def installed_browser(
    browser_type: BrowserType,
    browser_type_launch_args: dict[str, Any],
    browser_context_args: dict[str, Any],
    profile: Path,
    request_log: RequestLog,
) -> Iterator[BrowserContext]:
    """A browser with a profile on disk, as on a phone: Chromium offers to install only outside
    private windows (which Playwright's usual contexts are), and only such a profile has an
    HTTP cache on disk to look into."""
    context = browser_type.launch_persistent_context(
        profile, **browser_type_launch_args, **browser_context_args
    )
    context.on("request", lambda request: request_log.record(request.url))
    yield context
    context.close()
    request_log.assert_all_local()


@pytest.fixture
def phone(
    browser: Browser, browser_context_args: dict[str, Any], request_log: RequestLog
) -> Iterator[BrowserContext]:
    """A touch-screen phone's browser (the hint is for phones and tablets only)."""
    context = browser.new_context(**{**browser_context_args, "has_touch": True, "is_mobile": True})
    context.on("request", lambda request: request_log.record(request.url))
    yield context
    context.close()
    request_log.assert_all_local()


def test_app_passes_chromiums_installability_check(
    installed_browser: BrowserContext, live_server: Any, request_log: RequestLog, school: School
) -> None:
    page = installed_browser.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    wait_for_worker(page)
    devtools = installed_browser.new_cdp_session(page)

    manifest = devtools.send("Page.getAppManifest")
    installability = devtools.send("Page.getInstallabilityErrors")

    assert urlsplit(manifest["url"]).path == "/manifest.webmanifest"
    assert manifest["errors"] == []
    assert installability["installabilityErrors"] == []
    check_page(page, request_log)


def test_worker_controls_the_pages_and_stores_only_the_shell(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    parent, _attachment = family_with_a_work_sample()
    sign_in_as(page, live_server, parent)
    wait_for_worker(page)

    for path in ("/", "/stories/"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")

    assert cached_urls(page) == SHELL
    assert page.evaluate("caches.keys()")[0].startswith("portal-shell-")
    check_page(page, request_log)


def test_a_new_worker_replaces_the_old_shell_cache(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    wait_for_worker(page)
    (old,) = page.evaluate("caches.keys()")

    school.name = "Oakfield Academy"  # the worker's source changes with the school's name
    school.save()
    page.evaluate("navigator.serviceWorker.getRegistration().then(found => found.update())")
    caches = page.evaluate(
        f"""async old => {{
          const deadline = Date.now() + {WORKER_TIMEOUT_MS};
          while (Date.now() < deadline) {{
            const names = await caches.keys();
            if (names.length === 1 && names[0] !== old) return names;
            await new Promise(resolve => setTimeout(resolve, 50));
          }}
          return caches.keys();
        }}""",
        old,
    )

    assert len(caches) == 1
    assert caches[0] != old
    assert caches[0].startswith("portal-shell-")
    wait_for_worker(page)
    assert cached_urls(page) == SHELL


def test_offline_page_stands_in_when_the_network_is_down(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    parent, _attachment = family_with_a_work_sample()
    sign_in_as(page, live_server, parent)
    wait_for_worker(page)

    page.context.set_offline(True)
    page.goto(f"{live_server.url}/stories/")

    expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")
    expect(page).to_have_url(f"{live_server.url}/stories/")
    check_page(page, request_log)
    page.context.set_offline(False)
    page.get_by_role("link", name="Try again").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("You are offline")
    expect(page).to_have_url(f"{live_server.url}/stories/")


def test_after_sign_out_no_private_page_or_file_comes_from_any_cache(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    parent, attachment = family_with_a_work_sample()
    media = f"/stories/media/{attachment.key}/"
    sign_in_as(page, live_server, parent)
    wait_for_worker(page)
    page.goto(f"{live_server.url}/stories/")
    expect(page.get_by_text("Our science week")).to_be_visible()
    assert page.evaluate(f"fetch({media!r}).then(response => response.status)") == 200
    # Signed in, the photo or file may be kept privately by the browser; pages never are.
    assert page.evaluate(IN_HTTP_CACHE, media)
    assert not page.evaluate(IN_HTTP_CACHE, "/stories/")
    # A copy of a private page in Cache Storage, as an older worker or a script might leave it.
    page.evaluate(PLANT_PRIVATE_COPY)
    assert "/stories/" in cached_urls(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    wait_for_worker(page)

    assert cached_urls(page) <= SHELL
    for private in ("/", "/stories/", media):
        assert not page.evaluate(IN_HTTP_CACHE, private), private
    page.go_back()
    expect(page.get_by_text("Our science week")).to_have_count(0)
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/stories/")
    page.context.set_offline(True)
    for private in ("/", "/stories/"):
        page.goto(f"{live_server.url}{private}")
        expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")
        expect(page.get_by_text("Our science week")).to_have_count(0)
    check_page(page, request_log)


def on_disk(profile: Path, marker: bytes) -> list[str]:
    """The files of the browser profile (its HTTP cache included) that hold ``marker``."""
    return [
        str(path.relative_to(profile))
        for path in profile.rglob("*")
        if path.is_file() and marker in path.read_bytes()
    ]


def wait_until_on_disk(page: Page, profile: Path, marker: bytes) -> list[str]:
    """The files holding ``marker``, once the browser has written them (in the background)."""
    for _attempt in range(DISK_POLLS):
        found = on_disk(profile, marker)
        if found:
            return found
        page.wait_for_timeout(100)
    return []


def test_sign_out_leaves_no_private_file_in_the_browsers_disk_cache(
    installed_browser: BrowserContext, live_server: Any, profile: Path, school: School
) -> None:
    parent, attachment = family_with_a_work_sample()
    marker = f"work sample {attachment.key}".encode()
    with default_storage.open(attachment.file.name, "wb") as handle:
        handle.write(b"%PDF-1.4\n% " + marker + b"\n%%EOF\n")
    page = installed_browser.new_page()
    sign_in_as(page, live_server, parent)
    page.goto(f"{live_server.url}/stories/")
    expect(page.get_by_text("Our science week")).to_be_visible()
    media = f"/stories/media/{attachment.key}/"
    assert page.evaluate("url => fetch(url).then(response => response.status)", media) == 200

    # Signed in, the browser keeps the file for a day (privately); the page it never stores.
    assert wait_until_on_disk(page, profile, marker)
    assert not on_disk(profile, b"Our science week")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")

    assert not on_disk(profile, marker)
    assert not on_disk(profile, b"Our science week")


def test_install_hint_on_a_phone_installs_and_is_not_offered_again(
    phone: BrowserContext, live_server: Any, request_log: RequestLog, school: School
) -> None:
    page = phone.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    hint = page.get_by_role("complementary", name="Put the portal on your home screen")
    expect(hint).to_be_hidden()

    assert page.evaluate(OFFER_INSTALL), "the browser's own banner gives way to the hint"

    expect(hint).to_be_visible()
    expect(hint.get_by_text("Open it like an app, in one tap.")).to_be_visible()
    check_page(page, request_log)
    hint.get_by_role("button", name="Install").click()
    expect(hint).to_be_hidden()
    assert page.evaluate("window.installPrompted")
    page.reload()
    page.evaluate(OFFER_INSTALL)
    expect(hint).to_be_hidden()


def test_install_hint_dismissed_by_keyboard_stays_dismissed(
    phone: BrowserContext, live_server: Any, request_log: RequestLog, school: School
) -> None:
    page = phone.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(OFFER_INSTALL)
    hint = page.get_by_role("complementary", name="Put the portal on your home screen")
    expect(hint).to_be_visible()

    hint.get_by_role("button", name="No thanks").focus()
    page.keyboard.press("Enter")

    expect(hint).to_be_hidden()
    expect(page.locator("#main")).to_be_focused()
    page.reload()
    page.evaluate(OFFER_INSTALL)
    expect(hint).to_be_hidden()


def test_install_hint_on_an_iphone_says_how_to_add_to_the_home_screen(
    browser: Browser, browser_context_args: dict[str, Any], live_server: Any, school: School
) -> None:
    context = browser.new_context(
        **{**browser_context_args, "has_touch": True, "is_mobile": True, "user_agent": IPHONE}
    )
    log = RequestLog(urlsplit(live_server.url).netloc)
    context.on("request", lambda request: log.record(request.url))
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")

    hint = page.get_by_role("complementary", name="Put the portal on your home screen")
    expect(hint).to_be_visible()
    expect(hint.get_by_text("Tap Share, then Add to Home Screen.")).to_be_visible()
    expect(hint.get_by_role("button", name="Install")).to_be_hidden()
    check_page(page, log)
    context.close()


def test_install_hint_is_not_shown_on_a_computer(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")

    page.evaluate(OFFER_INSTALL)

    hint = page.get_by_role("complementary", name="Put the portal on your home screen")
    expect(hint).to_be_hidden()
    check_page(page, request_log)
