"""Helpers for the stories tests: generated photos (never of real people), consent, posts."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import User
from classes.models import Pupil, SchoolClass
from consent.models import MediaStatus
from consent.services.media import media_consent_record
from stories.models import Audience, Post
from stories.services.posts import post_create
from tests.factories import OfficeFactory

FORM_DATE = dt.date(2026, 9, 3)


def jpeg_bytes(size: tuple[int, int] = (96, 64), colour: str = "orange") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", quality=85)
    return out.getvalue()


def photo(name: str = "trip.jpg", size: tuple[int, int] = (96, 64)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(size), content_type="image/jpeg")


def set_consent(*pupils: Pupil, status: str = MediaStatus.GRANTED) -> None:
    office = OfficeFactory()
    media_consent_record(
        acting_user=office,
        pupils=pupils,
        status=status,
        form_date=FORM_DATE if status == MediaStatus.GRANTED else None,
    )


def class_post(author: User, school_class: SchoolClass, body: str = "Great day!", **kw) -> Post:
    return post_create(
        acting_user=author, audience=Audience.CLASS, school_class=school_class, body=body, **kw
    )


def media_files() -> list[Path]:
    """Every file stored under the stories folder (to prove nothing is left behind)."""
    root = Path(settings.MEDIA_ROOT) / "stories"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture(autouse=True)
def _own_media_root(tmp_path: Path, settings) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
