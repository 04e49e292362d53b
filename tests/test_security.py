"""Headers, cookies and page sources on every page people reach (R10), and the deploy check."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import CodeOfConduct, User
from tests.factories import (
    PASSWORD,
    CodeOfConductFactory,
    ConductAcceptanceFactory,
    ParentLinkFactory,
    TeacherFactory,
)

BASE_DIR = Path(__file__).resolve().parent.parent
TEST_HOST = "testserver"

ANONYMOUS_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "join",
    "pupil_start",
]
PARENT_PAGES = ["home", "conduct", "join"]
TEACHER_PAGES = ["home", "conduct"]

# CSP source expressions that name no host.
LOCAL_SOURCES = frozenset({"'self'", "'none'", "data:"})


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


class ResourceFinder(HTMLParser):
    """Collects what a page loads (scripts, styles, images, fonts, media) and inline code."""

    LOADS = {
        "script": ("src",),
        "link": ("href",),
        "img": ("src", "srcset"),
        "source": ("src", "srcset"),
        "audio": ("src",),
        "video": ("src", "poster"),
        "iframe": ("src",),
        "embed": ("src",),
        "object": ("data",),
    }

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for attr in self.LOADS.get(tag, ()):
            if values.get(attr):
                self.urls += [u.split()[0] for u in str(values[attr]).split(",") if u.strip()]
        if "style" in values:
            self.inline.append(f"<{tag} style=...>")
        if any(name.startswith("on") for name in values):
            self.inline.append(f"<{tag} on...= handler>")
        self._in_inline_script = tag == "script" and not values.get("src")

    def handle_data(self, data: str) -> None:
        if self._in_inline_script and data.strip():
            self.inline.append("<script> with inline code")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_inline_script = False


def foreign_urls(urls: list[str]) -> list[str]:
    """URLs that point at another host (absolute or protocol-relative)."""
    return [u for u in urls if urlsplit(u).netloc not in ("", TEST_HOST)]


def assert_page_is_safe(response: Any, where: str) -> None:
    assert response.status_code == 200, f"{where}: expected the page, got {response.status_code}"
    csp = response.headers.get("Content-Security-Policy", "")
    assert csp, f"{where}: no Content-Security-Policy"
    directives = csp_directives(csp)
    assert directives.get("default-src") == ["'self'"], f"{where}: {csp}"
    for name, sources in directives.items():
        assert "'unsafe-inline'" not in sources, f"{where}: {name} allows inline code"
        assert "'unsafe-eval'" not in sources, f"{where}: {name} allows eval"
        hosts = [s for s in sources if s not in LOCAL_SOURCES]
        assert not hosts, f"R10 {where}: {name} names other sources {hosts}"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where
    assert response.headers.get("Cross-Origin-Opener-Policy") == "same-origin", where
    finder = ResourceFinder()
    finder.feed(response.text)
    assert not foreign_urls(finder.urls), f"R10 {where} loads from another host"
    assert not finder.inline, f"{where} has inline code the CSP would block: {finder.inline}"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def conduct_accepted_by() -> Callable[[User], None]:
    """Publish both codes of conduct; the returned function makes a user accept theirs."""
    parents = CodeOfConductFactory.create(audience=CodeOfConduct.Audience.PARENTS)
    staff = CodeOfConductFactory.create(audience=CodeOfConduct.Audience.STAFF)

    def accept(user: User) -> None:
        chosen = parents if user.role == "parent" else staff
        ConductAcceptanceFactory.create(user=user, conduct=chosen)

    return accept


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ANONYMOUS_PAGES)
def test_R10_anonymous_pages_are_locked_down(url_name: str) -> None:
    assert_page_is_safe(Client().get(reverse(url_name)), f"anonymous {url_name}")


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", PARENT_PAGES)
def test_R10_parent_pages_are_locked_down(
    url_name: str, conduct_accepted_by: Callable[[User], None]
) -> None:
    parent = ParentLinkFactory.create().parent
    conduct_accepted_by(parent)

    assert_page_is_safe(signed_in(parent).get(reverse(url_name)), f"parent {url_name}")


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", TEACHER_PAGES)
def test_R10_teacher_pages_are_locked_down(
    url_name: str, conduct_accepted_by: Callable[[User], None]
) -> None:
    teacher = TeacherFactory.create()
    conduct_accepted_by(teacher)

    assert_page_is_safe(signed_in(teacher).get(reverse(url_name)), f"teacher {url_name}")


@pytest.mark.django_db
def test_csrf_cookie_is_httponly_and_lax() -> None:
    response = Client().get(reverse("account_login"))

    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_session_cookie_from_a_real_sign_in_is_httponly_and_lax() -> None:
    parent = ParentLinkFactory.create().parent

    response = Client().post(
        reverse("account_login"), {"login": parent.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50)[:50],
        "ALLOWED_HOSTS": "school.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "DOJO_VAR_DIR": str(tmp_path),
    }
    # As on a server after `collectstatic` (without it core.W001 warns that pages would fail).
    (tmp_path / "static").mkdir(exist_ok=True)
    (tmp_path / "static" / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')

    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
