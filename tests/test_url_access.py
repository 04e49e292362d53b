"""Default deny: every URL the project serves (allauth's and the admin's included) is walked.

Anonymous visitors reach only a short public list; everything else sends them to sign in or
does not exist for them. A signed-in pupil reaches only their home and their own few pages;
every adult page answers them 404 (or sends them away).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern

from accounts.models import User
from accounts.services.pupil_login import pupil_code_set
from classes.models import Pupil
from pwa import URL_NAMES as PWA_URL_NAMES
from tests.conftest import pupil_client_for
from tests.factories import OfficeFactory, PupilFactory

# Values that fill path converters and regex groups; the first one the pattern accepts is used.
CANDIDATES = ("1", "x", "accounts")
ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>(?:[^()]|\([^()]*\))*)\)")

# Reachable without signing in. Each entry is a deliberate decision (R1: no open sign-up, so
# allauth's signup page only says that sign-up is closed).
PUBLIC_URL_NAMES = frozenset(
    {
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "account_email_verification_sent",
        "account_confirm_email",
        "account_inactive",
        "join",
        "pupil_start",
        "pupil_class",
        "pupil_code",
        # a classroom tablet's page of monsters and its picture code: without the tablet's
        # signed cookie they send to pupil_start; with it they show only the class's sign-in
        "pupil_tablet",
        "pupil_tablet_code",
        "healthz",
        # the privacy notices, for families before they join (R28)
        "privacy_notice_parents",
        "privacy_notice_pupils",
        # an email's unsubscribe link: the signed token is the credential (R31)
        "notifications_unsubscribe",
        # the language switcher of the signed-out pages (R32): it only sets the language cookie
        "set_language",
    }
    # the installable app: manifest, service worker, offline page, icons (public files)
    | PWA_URL_NAMES
)
# What a signed-in pupil may open: their home (their name), their sign-in pages, sign out.
PUPIL_URL_NAMES = frozenset(
    {
        "home",
        "healthz",
        "account_logout",
        "pupil_start",
        "pupil_class",
        "pupil_code",
        "pupil_tablet",
        "pupil_tablet_code",
        # the pupil area: their own points and monster, and the picture notice (R26, R27)
        "pupil_points",
        "pupil_points_live",
        "pupil_monster",
        "pupil_monster_preview",
        "pupil_notice",
        # stories: their Student Story with their Class and School Stories, likes (R15, R16)
        "stories_feed",
        "stories_post",
        "stories_like",
        "stories_media",
        "stories_thumbnail",
        "stories_photo",  # a photo of a post of theirs, in the viewer
        # the privacy notices, the children's one in pictures (R28)
        "privacy_notice_parents",
        "privacy_notice_pupils",
    }
    # the installable app: manifest, service worker, offline page, icons (public files)
    | PWA_URL_NAMES
)
# Where a pupil may be sent: their own pages, or signed out to the sign-in page.
PUPIL_LANDINGS = PUPIL_URL_NAMES | {"account_login"}
# Patterns no plausible value fills; each is named, so a new one makes the test fail.
UNFILLABLE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Walked:
    path: str
    name: str


def _fill_route(route: str) -> str | None:
    def value(match: re.Match[str]) -> str:
        return {"int": "1", "uuid": "00000000-0000-4000-8000-000000000001"}.get(
            match.group("converter") or "", "x"
        )

    return ROUTE_PARAM.sub(value, route)


def _fill_regex(regex: str) -> str | None:
    text = regex.removeprefix("^").removesuffix("$")
    for match in REGEX_GROUP.finditer(text):
        body = re.compile(match.group("body"))
        chosen = next((c for c in CANDIDATES if body.fullmatch(c)), None)
        if chosen is None:
            return None
        text = text.replace(match.group(0), chosen, 1)
    if re.search(r"[()\[\]^$*+?\\|]", text):
        return None
    return text


def _fill(pattern: RoutePattern | RegexPattern) -> str | None:
    if isinstance(pattern, RoutePattern):
        return _fill_route(str(pattern))
    return _fill_regex(pattern.regex.pattern)


def walk_urls(
    patterns: list[URLPattern | URLResolver] | None = None,
    prefix: str = "/",
    namespace: str = "",
) -> Iterator[Walked | str]:
    """Every URL pattern as a concrete path, or the pattern's text when no value fills it."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        part = _fill(entry.pattern)  # type: ignore[arg-type]
        if part is None:
            yield f"{prefix}{entry.pattern}"
            continue
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace or "") if n)
            yield from walk_urls(entry.url_patterns, prefix + part, inner)
        else:
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            yield Walked(prefix + part, name)


def all_paths() -> tuple[list[Walked], set[str]]:
    walked, unfilled = [], set()
    for item in walk_urls():
        if isinstance(item, Walked):
            walked.append(item)
        else:
            unfilled.add(item)
    return walked, unfilled


def redirect_path(response: HttpResponseBase) -> str:
    return urlsplit(response["Location"]).path


def is_redirect_to(response: HttpResponseBase, *names: str) -> bool:
    status = response.status_code
    return status in (301, 302) and redirect_path(response) in {reverse(n) for n in names}


def test_every_pattern_becomes_a_path() -> None:
    walked, unfilled = all_paths()

    assert unfilled == UNFILLABLE
    assert len(walked) > 50, "the walk should cover the admin and allauth too"
    for item in walked:
        try:
            resolve(item.path)
        except Resolver404:  # pragma: no cover - the message is the point
            pytest.fail(f"{item.path} (from {item.name or 'an unnamed pattern'}) does not resolve")


@pytest.mark.django_db
def test_default_deny_anonymous_reaches_only_public_pages() -> None:
    client = Client()
    leaks = []
    for item in all_paths()[0]:
        response = client.get(item.path)
        denied = response.status_code in (403, 404, 405) or is_redirect_to(
            response, "account_login", "admin:login"
        )
        if not denied and item.name not in PUBLIC_URL_NAMES:
            leaks.append(f"{item.path} ({item.name or 'unnamed'}) → {response.status_code}")

    assert not leaks, "Anonymous visitors reach pages that are not public:\n" + "\n".join(leaks)


def pupil_user(pupil: Pupil) -> User:
    """The pupil's sign-in account, made as the office makes it (by giving a picture code)."""
    pupil_code_set(acting_user=OfficeFactory.create(), pupil=pupil)
    pupil.refresh_from_db()
    assert pupil.user is not None
    return pupil.user


@pytest.mark.django_db
def test_pupil_gets_nothing_from_adult_pages() -> None:
    user = pupil_user(PupilFactory.create(first_name="Noor"))
    leaks = []
    for item in all_paths()[0]:
        # Follow redirects: where a pupil lands is what matters (sign-out chains included).
        # A fresh session each time: a page that signs the pupil out must not hide the rest.
        response = pupil_client_for(user).get(item.path, follow=True)
        landed = resolve(response.request["PATH_INFO"]).url_name
        denied = response.status_code in (403, 404, 405) or landed in PUPIL_LANDINGS
        if not denied and item.name not in PUPIL_URL_NAMES:
            leaks.append(f"{item.path} ({item.name or 'unnamed'}) → {landed}")

    assert not leaks, "A signed-in pupil reaches adult pages:\n" + "\n".join(leaks)


@pytest.mark.django_db
def test_pupil_home_shows_their_display_name() -> None:
    client = pupil_client_for(
        pupil_user(PupilFactory.create(first_name="Noor", surname="Hallsworth"))
    )

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "Noor" in response.text
    assert "Hallsworth" not in response.text
