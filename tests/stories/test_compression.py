"""Pages arrive compressed on the embedded default when the browser accepts gzip; media, file
and secret-bearing pages never do (core/compression.py)."""

from __future__ import annotations

import gzip

import pytest
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from core.compression import PageGZipMiddleware
from tests.conftest import client_for
from tests.factories import OfficeFactory, with_totp
from tests.stories.conftest import class_post, photo, set_consent
from tests.stories.test_feed_views import process

pytestmark = pytest.mark.django_db

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_a_page_arrives_gzip_encoded_when_the_browser_accepts_it(
    teacher, school_class, parent_with_child
):
    parent, _maya = parent_with_child
    for n in range(5):
        class_post(teacher, school_class, body=f"Assembly news {n}")
    client = client_for(parent)

    plain = client.get(reverse("stories_feed"))
    packed = client.get(reverse("stories_feed"), headers=GZIP)

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    page = gzip.decompress(packed.content).decode()
    assert "Assembly news 4" in page
    assert len(packed.content) < len(plain.content) / 2


def test_media_is_never_compressed(teacher, school_class, parent_with_child):
    parent, maya = parent_with_child
    set_consent(maya)
    post = class_post(teacher, school_class, uploads=[photo()], tagged_ids=[maya.pk])
    process(post)
    key = post.attachments.get().key

    response = client_for(parent).get(reverse("stories_media", args=[key]), headers=GZIP)

    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert response["Content-Type"].startswith("image/")
    assert b"".join(response.streaming_content)[:2] != b"\x1f\x8b"  # type: ignore[attr-defined]


def test_file_responses_and_downloads_are_never_compressed(tmp_path):
    big = tmp_path / "letter.html"
    big.write_text("<p>Dear family</p>" * 500)
    request = RequestFactory().get("/privacy/export/", headers=GZIP)
    middleware = PageGZipMiddleware(lambda r: HttpResponse())

    streamed = middleware.process_response(request, FileResponse(big.open("rb")))
    download = HttpResponse("<p>x</p>" * 500, content_type="text/html")
    download["Content-Disposition"] = 'attachment; filename="data.html"'

    assert not streamed.has_header("Content-Encoding")
    assert not middleware.process_response(request, download).has_header("Content-Encoding")


def test_the_office_admin_with_its_codes_is_never_compressed(school):
    office = OfficeFactory()
    with_totp(office)

    response = client_for(office).get(reverse("admin:classes_pupil_changelist"), headers=GZIP)

    assert response.status_code == 200
    assert "Content-Encoding" not in response
