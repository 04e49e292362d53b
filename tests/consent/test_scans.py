"""Scans of signed consent forms (R8, R14): the office and leaders open them through one
permission-checked view, never cached, and no other URL serves the file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import User
from classes.models import Pupil, SchoolClass
from consent.models import ConsentChange, MediaStatus
from consent.services.media import media_consent_record
from tests.conftest import client_for
from tests.factories import (
    LeaderFactory,
    OfficeFactory,
    ParentLinkFactory,
    PupilFactory,
    SupportFactory,
    TeacherFactory,
    assign_teacher,
    with_totp,
)
from tests.media import corpus

pytestmark = pytest.mark.django_db

PDF = corpus.plain_pdf().read_bytes()
FORM_DATE = dt.date(2025, 9, 3)


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = ""
    return settings.MEDIA_ROOT


@pytest.fixture
def office(school: Any) -> User:
    office = OfficeFactory()
    with_totp(office)
    return office


@pytest.fixture
def pupil(school_class: SchoolClass) -> Pupil:
    return PupilFactory(school_class=school_class, first_name="Maya", surname="Rowntree")


@pytest.fixture
def change(office: User, pupil: Pupil, media_root: Path) -> ConsentChange:
    """A granted form recorded with its scan, as the office's change page records it."""
    media_consent_record(
        acting_user=office,
        pupils=[pupil],
        status=MediaStatus.GRANTED,
        form_date=FORM_DATE,
        scan=SimpleUploadedFile("Maya Rowntree consent.pdf", PDF, "application/pdf"),
    )
    return ConsentChange.objects.get(pupil=pupil)


def scan_url(change: ConsentChange) -> str:
    return reverse("consent_scan", args=[change.pk])


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_R14_office_opens_a_scan_privately_and_never_cached(
    office: User, change: ConsentChange, media_root: Path
) -> None:
    response = client_for(office).get(scan_url(change))

    assert response.status_code == 200
    assert body(response) == (media_root / change.scan_name).read_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    expected_name = f"consent-form-{change.changed_at:%Y-%m-%d}-{change.pk}.pdf"
    assert response["Content-Disposition"] == f'inline; filename="{expected_name}"'
    assert "Rowntree" not in response["Content-Disposition"]
    assert not response.has_header("X-Accel-Redirect")


def test_R8_behind_nginx_the_scan_is_handed_over_with_x_accel_redirect(
    office: User, change: ConsentChange
) -> None:
    with override_settings(MEDIA_ACCEL_REDIRECT_PREFIX="/internal-media/"):
        response = client_for(office).get(scan_url(change))

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/internal-media/{change.scan_name}"
    assert body(response) == b""  # nginx sends the bytes, not Python
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


def test_R14_leader_opens_a_scan(change: ConsentChange, media_root: Path) -> None:
    leader = LeaderFactory()
    with_totp(leader)

    response = client_for(leader).get(scan_url(change))

    assert response.status_code == 200
    assert body(response) == (media_root / change.scan_name).read_bytes()


@pytest.mark.parametrize("role", ["teacher", "support", "parent"])
def test_R14_teachers_support_staff_and_parents_cannot_open_a_scan(
    role: str, change: ConsentChange, pupil: Pupil, school_class: SchoolClass
) -> None:
    users: dict[str, Callable[[], User]] = {
        "teacher": lambda: assign_teacher(TeacherFactory(), school_class),
        "support": SupportFactory,
        "parent": lambda: ParentLinkFactory(pupil=pupil).parent,  # even the child's own parent
    }
    user = users[role]()

    response = client_for(user).get(scan_url(change))

    assert response.status_code == 404
    assert PDF not in response.content


def test_R14_signed_out_visitor_is_sent_to_sign_in(change: ConsentChange) -> None:
    response = Client().get(scan_url(change))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_R14_office_without_two_factor_is_sent_to_set_it_up(change: ConsentChange) -> None:
    response = client_for(OfficeFactory(), two_factor=False).get(scan_url(change))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin_needs_mfa")


def test_R14_a_history_row_without_a_scan_or_a_missing_file_is_not_found(
    office: User, change: ConsentChange, pupil: Pupil, media_root: Path
) -> None:
    media_consent_record(acting_user=office, pupils=[pupil], status=MediaStatus.WITHDRAWN)
    without_scan = ConsentChange.objects.filter(pupil=pupil).first()
    assert without_scan is not None and without_scan.scan_name == ""
    client = client_for(office)

    assert client.get(scan_url(without_scan)).status_code == 404
    assert client.get(reverse("consent_scan", args=[change.pk + 100])).status_code == 404
    (media_root / change.scan_name).unlink()
    assert client.get(scan_url(change)).status_code == 404


def test_R8_the_scan_has_no_other_url(office: User, change: ConsentChange) -> None:
    client = client_for(office)

    for url in (f"/protected-media/{change.scan_name}", f"/media/{change.scan_name}"):
        response = client.get(url)
        assert response.status_code == 404
        assert PDF not in response.content
