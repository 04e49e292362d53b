"""The installable app (issue 7): manifest, icons, service worker, offline page, and the caches.

What a phone receives is checked as it receives it: the manifest as JSON, the icons as PNGs, the
worker as a script with its configuration, and every gate letting these public files through.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from accounts.models import CodeOfConduct, User
from accounts.services.pupil_login import pupil_code_set
from accounts.services.suspensions import account_suspend
from classes.models import School
from consent.models import DataProcessingForm
from pwa import URL_NAMES
from pwa.icons import BACKGROUND_COLOUR, THEME_COLOUR, THEME_INK, school_initials
from pwa.manifest import manifest_for, short_name
from tests.conftest import client_for, pupil_client_for
from tests.factories import (
    PASSWORD,
    CodeOfConductFactory,
    LeaderFactory,
    OfficeFactory,
    ParentFactory,
    ParentLinkFactory,
    PupilFactory,
)

pytestmark = pytest.mark.django_db

MANIFEST_URL = "/manifest.webmanifest"
WORKER_URL = "/sw.js"
OFFLINE_URL = "/offline/"
CONFIG = re.compile(r"^const CONFIG = (\{.*?\n\});$", re.MULTILINE | re.DOTALL)


def public_urls() -> list[str]:
    return [
        MANIFEST_URL,
        WORKER_URL,
        OFFLINE_URL,
        reverse("pwa_icon", args=[192]),
        reverse("pwa_icon_maskable", args=[512]),
        reverse("javascript_catalogue"),
    ]


def worker_config(response: Any) -> dict[str, Any]:
    match = CONFIG.search(response.content.decode())
    assert match, "the worker starts with its configuration"
    return json.loads(match.group(1))


def png(response: Any) -> Image.Image:
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    return image


def rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def pixel(image: Image.Image, x: int, y: int) -> tuple[int, ...]:
    value = image.getpixel((x, y))
    assert isinstance(value, tuple)
    return value


def rename(school: School, name: str) -> None:
    school.name = name
    school.save()


# The manifest


def test_manifest_is_json_naming_the_school_with_the_whole_site_as_the_app(
    school: School,
) -> None:
    response = Client().get(MANIFEST_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "New Village Primary"
    assert manifest["short_name"] == "New Village"
    assert manifest["start_url"] == "/"
    assert manifest["scope"] == "/"
    assert manifest["id"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["lang"] == "en-gb"
    assert manifest["dir"] == "ltr"
    assert manifest["theme_color"] == THEME_COLOUR
    assert manifest["background_color"] == BACKGROUND_COLOUR
    assert {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]} == {
        ("192x192", "any"),
        ("192x192", "maskable"),
        ("512x512", "any"),
        ("512x512", "maskable"),
    }


def test_manifest_icons_are_pngs_of_the_sizes_they_claim(school: School) -> None:
    client = Client()
    manifest = json.loads(client.get(MANIFEST_URL).content)

    for icon in manifest["icons"]:
        image = png(client.get(icon["src"]))
        width, height = (int(side) for side in icon["sizes"].split("x"))
        assert image.size == (width, height), icon["src"]
        assert icon["type"] == "image/png"


def test_manifest_follows_a_new_school_name_and_revalidates(school: School) -> None:
    client = Client()
    first = client.get(MANIFEST_URL)
    assert "no-cache" in first["Cache-Control"]
    assert client.get(MANIFEST_URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    rename(school, "St Mary's Church of England Primary School")
    second = client.get(MANIFEST_URL, HTTP_IF_NONE_MATCH=first["ETag"])

    assert second.status_code == 200
    assert json.loads(second.content)["name"] == "St Mary's Church of England Primary School"
    assert json.loads(second.content)["short_name"] == "St Mary's"


def test_manifest_says_right_to_left_in_a_right_to_left_language(school: School) -> None:
    with translation.override("ar"):
        manifest = manifest_for("New Village Primary")

    assert manifest["lang"] == "ar"
    assert manifest["dir"] == "rtl"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Oakfield", "Oakfield"),
        ("New Village Primary", "New Village"),
        ("St Mary's Church of England Primary School", "St Mary's"),
        ("Northamptonshire Primary", "NP"),
    ],
)
def test_short_name_fits_a_home_screen(name: str, expected: str) -> None:
    assert short_name(name) == expected
    assert len(short_name(name)) <= 12


def test_theme_colours_are_the_stylesheets(school: School) -> None:
    """The manifest, the pages' theme-color and the icons use portal.css's own colours."""
    found = finders.find("css/portal.css")
    assert isinstance(found, str)
    css = Path(found).read_text()
    variables = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", css))

    assert variables["brand"] == THEME_COLOUR
    assert variables["brand-ink"] == THEME_INK
    assert variables["wash"] == BACKGROUND_COLOUR
    page = Client().get(reverse("account_login")).text
    assert f'<meta name="theme-color" content="{THEME_COLOUR}">' in page


# The icons


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("New Village Primary", "NVP"),
        ("St Mary's Church of England Primary School", "SMC"),
        ("oakfield primary", "O"),
        ("Ysgol Gymraeg Aberystwyth", "YGA"),
        ("  ", "?"),
    ],
)
def test_icon_initials_come_from_the_school_name(name: str, initials: str) -> None:
    assert school_initials(name) == initials


def test_maskable_icon_is_full_bleed_and_the_plain_one_has_rounded_corners(
    school: School,
) -> None:
    client = Client()
    maskable = png(client.get(reverse("pwa_icon_maskable", args=[512]))).convert("RGBA")
    plain = png(client.get(reverse("pwa_icon", args=[512]))).convert("RGBA")

    assert pixel(maskable, 0, 0)[:3] == rgb(THEME_COLOUR)
    assert pixel(plain, 0, 0)[3] == 0, "the corner is transparent"
    assert pixel(plain, 256, 40)[:3] == rgb(THEME_COLOUR)
    # the initials, in the ink colour, sit in the middle (inside a maskable icon's safe zone)
    middle = maskable.crop((128, 128, 384, 384))
    assert (*rgb(THEME_INK), 255) in {colour for _count, colour in middle.getcolors(65536) or []}


def test_icon_is_cached_by_the_browser_and_changes_with_the_school_name(
    school: School,
) -> None:
    client = Client()
    url = reverse("pwa_icon", args=[192])
    first = client.get(url)
    assert first["Cache-Control"] == "public, max-age=86400"
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    rename(school, "Oakfield Academy")
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    assert second.content != first.content


@pytest.mark.parametrize("size", [0, 64, 193, 4096])
def test_icon_of_a_size_not_offered_does_not_exist(size: int, school: School) -> None:
    assert Client().get(reverse("pwa_icon", args=[size])).status_code == 404
    assert Client().get(reverse("pwa_icon_maskable", args=[size])).status_code == 404


def test_app_files_cost_no_query_once_the_school_is_cached(
    school: School, django_assert_num_queries: Any
) -> None:
    client = Client()
    for url in public_urls():  # the first drawing of each icon is cached too
        client.get(url)

    with django_assert_num_queries(0):
        for url in public_urls():
            assert client.get(url).status_code == 200, url


# The service worker


def test_worker_is_a_script_for_the_whole_site_that_is_never_cached_unasked(
    school: School,
) -> None:
    response = Client().get(WORKER_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    assert Client().get(WORKER_URL, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_worker_precaches_only_the_public_shell(school: School) -> None:
    config = worker_config(Client().get(WORKER_URL))

    assert set(config["shell"]) == {
        "/static/css/portal.css",
        "/static/js/sw-register.js",
        "/static/js/install-hint.js",
        OFFLINE_URL,
        "/pwa/icon-192.png",
        "/pwa/icon-512.png",
        "/pwa/icon-maskable-192.png",
        "/pwa/icon-maskable-512.png",
    }
    assert config["offline"] == OFFLINE_URL
    assert config["signIn"] == reverse("account_login")
    assert config["title"] == "New Village Primary"
    for url in config["shell"]:
        if url.startswith("/static/"):  # served by the web server (or whitenoise)
            assert finders.find(url.removeprefix("/static/")), url
        else:
            assert Client().get(url).status_code == 200, url


def test_worker_cache_name_is_versioned_by_the_shell_contents(
    school: School, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stylesheet = tmp_path / "portal.css"
    stylesheet.write_text("body { color: black; }")
    real_find = finders.find

    def find(path: str, **kwargs: Any) -> Any:
        return str(stylesheet) if path == "css/portal.css" else real_find(path, **kwargs)

    monkeypatch.setattr(finders, "find", find)
    first = worker_config(Client().get(WORKER_URL))["cache"]
    assert first == worker_config(Client().get(WORKER_URL))["cache"], "stable while unchanged"

    stylesheet.write_text("body { color: navy; }")
    second = worker_config(Client().get(WORKER_URL))["cache"]
    rename(school, "Oakfield Academy")
    third = worker_config(Client().get(WORKER_URL))["cache"]

    assert re.fullmatch(r"portal-shell-[0-9a-f]{12}", first)
    assert len({first, second, third}) == 3


def test_worker_shows_push_messages_and_opens_their_link_on_this_site_only(
    school: School,
) -> None:
    source = Client().get(WORKER_URL).content.decode()

    assert 'addEventListener("push"' in source
    assert 'addEventListener("notificationclick"' in source
    assert "url.origin === self.location.origin" in source


# The offline page


def test_offline_page_renders_without_signing_in(school: School) -> None:
    response = Client().get(OFFLINE_URL)

    assert response.status_code == 200
    assert "You are offline" in response.text
    assert "New Village Primary" in response.text
    assert "Try again" in response.text


def test_offline_page_names_no_one_even_when_a_signed_in_parent_fetches_it(
    school: School,
) -> None:
    """The worker stores this page on the device: nothing of the person may be in it."""
    parent = ParentFactory.create(first_name="Joanna", last_name="Kowalczyk")
    client = client_for(parent)

    response = client.get(OFFLINE_URL)

    assert response.status_code == 200
    assert "Kowalczyk" not in response.text
    assert parent.email not in response.text
    assert "Sign out" not in response.text
    assert "csrfmiddlewaretoken" not in response.text


# Every gate lets the app's files through


def conduct_pending_parent() -> User:
    CodeOfConductFactory.create(audience=CodeOfConduct.Audience.PARENTS)
    return ParentFactory.create()


def pending_data_processing_parent() -> User:
    DataProcessingForm.objects.create(version=1, title="Your child's data", body="Kept safe.")
    return ParentLinkFactory.create().parent


def suspended_parent() -> User:
    parent = ParentFactory.create()
    account_suspend(acting_user=LeaderFactory.create(), user=parent, reason="Abusive messages")
    return parent


def pupil_user() -> User:
    pupil = PupilFactory.create()
    pupil_code_set(acting_user=OfficeFactory.create(), pupil=pupil)
    pupil.refresh_from_db()
    assert pupil.user is not None
    return pupil.user


CLIENTS: dict[str, Callable[[], Client]] = {
    "anonymous": Client,
    "code of conduct pending": lambda: client_for(conduct_pending_parent()),
    "data processing pending": lambda: client_for(pending_data_processing_parent()),
    "suspended": lambda: client_for(suspended_parent()),
    "pupil": lambda: pupil_client_for(pupil_user()),
}


@pytest.mark.parametrize("who", CLIENTS)
def test_app_files_are_served_to_everyone_whatever_gate_they_are_at(
    who: str, school: School
) -> None:
    client = CLIENTS[who]()

    for url in public_urls():
        response = client.get(url)
        assert response.status_code == 200, f"{who}: {url} → {response.status_code}"


def test_every_app_url_is_known_to_the_gates() -> None:
    from pwa.urls import urlpatterns

    assert {pattern.name for pattern in urlpatterns} == URL_NAMES


def test_suspended_person_is_told_on_their_next_page_not_on_the_worker(
    school: School,
) -> None:
    parent = ParentFactory.create()
    client = client_for(parent)
    account_suspend(acting_user=LeaderFactory.create(), user=parent, reason="Abusive messages")

    assert client.get(WORKER_URL).status_code == 200
    response = client.get(reverse("home"))

    assert response.status_code == 403
    assert "Your account is suspended" in response.text


def test_worker_fetch_does_not_keep_a_pupil_session_alive(school: School) -> None:
    client = pupil_client_for(pupil_user())
    session = client.session
    idle_since = (timezone.now() - settings.PUPIL_SESSION_IDLE).isoformat()
    session["pupil_last_seen"] = idle_since
    session.save()

    assert client.get(WORKER_URL).status_code == 200

    assert client.session["pupil_last_seen"] == idle_since
    assert client.get(reverse("home"))["Location"] == reverse("pupil_start")


# Nothing private lingers in the browser's caches


def test_pages_for_a_signed_in_person_are_never_stored_by_the_browser(school: School) -> None:
    client = client_for(ParentFactory.create())

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_view_that_chose_its_own_caching_keeps_it(school: School) -> None:
    client = client_for(ParentFactory.create())

    assert client.get(WORKER_URL)["Cache-Control"] == "no-cache"
    assert client.get(reverse("pwa_icon", args=[192]))["Cache-Control"] == "public, max-age=86400"


def test_sign_out_tells_the_browser_to_empty_its_caches(school: School) -> None:
    client = Client()
    parent = ParentFactory.create()
    client.post(reverse("account_login"), {"login": parent.email, "password": PASSWORD})

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache"'
    assert not client.get(reverse("account_login")).has_header("Clear-Site-Data")


def test_suspension_ending_a_session_empties_the_caches_too(school: School) -> None:
    parent = ParentFactory.create()
    client = client_for(parent)
    account_suspend(acting_user=LeaderFactory.create(), user=parent, reason="Abusive messages")

    response = client.get(reverse("home"))

    assert response.status_code == 403
    assert response["Clear-Site-Data"] == '"cache"'


def test_R10_policy_allows_the_manifest_and_worker_from_this_site_only(school: School) -> None:
    policy = Client().get(reverse("account_login"))["Content-Security-Policy"]

    assert "manifest-src 'self'" in policy
    assert "worker-src 'self'" in policy


# The pages


def test_every_page_links_the_manifest_and_registers_the_worker(school: School) -> None:
    page = Client().get(reverse("account_login")).text

    assert f'<link rel="manifest" href="{MANIFEST_URL}">' in page
    assert 'src="/static/js/sw-register.js"' in page
    assert f'data-worker="{WORKER_URL}"' in page
    assert 'data-sign-out="/accounts/logout/"' in page
    assert 'id="install-hint"' in page
    assert "Put the portal on your home screen" in page


def test_install_hint_is_not_offered_to_pupils(school: School) -> None:
    page = pupil_client_for(pupil_user()).get(reverse("home")).text

    assert 'id="install-hint"' not in page
    assert 'src="/static/js/sw-register.js"' in page
