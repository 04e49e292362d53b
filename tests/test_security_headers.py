"""The headers every response carries beyond the CSP: the permissions policy (no camera,
microphone, location, payment or USB) on pages, media and static files, kept equal in nginx's
protected location; and HSTS in production, without ``preload`` unless the school asks."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.permissions_policy import header_value
from stories.services.media import attachment_process
from tests.conftest import client_for
from tests.factories import ParentLinkFactory, TeacherFactory, assign_teacher
from tests.stories.conftest import class_post, photo

BASE_DIR = Path(__file__).resolve().parent.parent
OFF = ("camera", "microphone", "geolocation", "payment", "usb")
EXPECTED_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def policy_of(response: Any) -> dict[str, str]:
    header = response.headers.get("Permissions-Policy", "")
    assert header, "no Permissions-Policy header"
    return dict(part.strip().split("=", 1) for part in header.split(","))


def assert_features_off(response: Any) -> None:
    policy = policy_of(response)
    for feature in OFF:
        assert policy.get(feature) == "()", f"{feature} is not turned off: {policy}"


@pytest.mark.django_db
def test_a_signed_out_page_turns_off_camera_microphone_location_payment_and_usb() -> None:
    response = Client().get(reverse("account_login"))

    assert response.status_code == 200
    assert response.headers["Permissions-Policy"] == EXPECTED_POLICY
    assert_features_off(response)


@pytest.mark.django_db
def test_a_signed_in_page_turns_them_off(school) -> None:
    parent = ParentLinkFactory().parent

    response = client_for(parent).get(reverse("home"))

    assert response.status_code == 200
    assert_features_off(response)


@pytest.mark.django_db
def test_a_protected_media_file_turns_them_off(school, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    link = ParentLinkFactory()
    teacher: User = assign_teacher(TeacherFactory(), link.pupil.school_class)
    post = class_post(teacher, link.pupil.school_class, uploads=[photo()], no_child_appears=True)
    attachment = post.attachments.get()
    attachment_process(attachment.pk)

    response = client_for(link.parent).get(reverse("stories_media", args=[attachment.key]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    assert_features_off(response)


@pytest.mark.django_db
def test_a_static_file_and_a_404_turn_them_off() -> None:
    assert_features_off(Client().get("/static/css/portal.css"))
    assert_features_off(Client().get("/no-such-page/"))


def test_nginx_sets_the_same_policy_where_it_answers_without_the_app() -> None:
    """An X-Accel-Redirect response loses the app's headers in nginx: its protected location
    (and the static one) must carry the policy itself, the same one."""
    conf = (BASE_DIR / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    value = header_value(settings.PERMISSIONS_POLICY)
    assert value == EXPECTED_POLICY
    for location in ("/_protected/", "/static/"):
        block = re.search(rf"location {re.escape(location)} \{{(.*?)\}}", conf, re.S)
        assert block, location
        assert f'add_header Permissions-Policy "{value}";' in block.group(1), location


# HSTS, with the production settings (a fresh process, as the server starts)

PRODUCTION_REQUEST = """
import json
import django
django.setup()
from django.test import Client
response = Client(HTTP_HOST="school.example.org").get("/", secure=True)
print(json.dumps(dict(response.headers)))
"""


def production_headers(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "dojo_portal.settings",
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "school.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "DOJO_VAR_DIR": str(tmp_path),
        **extra,
    }
    done = subprocess.run(
        [sys.executable, "-c", PRODUCTION_REQUEST],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_production_hsts_is_a_year_with_subdomains_and_never_preload_by_default(
    tmp_path: Path,
) -> None:
    headers = production_headers(tmp_path)

    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["Permissions-Policy"] == EXPECTED_POLICY


def test_production_hsts_preloads_only_when_the_school_asks(tmp_path: Path) -> None:
    headers = production_headers(tmp_path, SECURE_HSTS_PRELOAD="true")

    assert headers["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


def test_a_feature_allowed_to_some_origins_is_written_in_the_headers_syntax() -> None:
    policy = {"fullscreen": ["self", "https://video.example.org"], "usb": []}

    assert header_value(policy) == 'fullscreen=(self "https://video.example.org"), usb=()'


def test_nginx_leaves_media_caching_to_the_app_and_sends_static_files_compressed() -> None:
    """add_header appends to the app's Cache-Control on an X-Accel-Redirect response (two
    contradictory values): the protected location must not add one. The .gz files written by
    collectstatic are only used with gzip_static."""
    conf = (BASE_DIR / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    protected = re.search(r"location /_protected/ \{(.*?)\}", conf, re.S)
    static = re.search(r"location /static/ \{(.*?)\}", conf, re.S)
    assert protected and static
    directives = [line.strip() for line in protected.group(1).splitlines()]
    assert not [line for line in directives if line.startswith("add_header Cache-Control")]
    assert "gzip_static on;" in static.group(1)
