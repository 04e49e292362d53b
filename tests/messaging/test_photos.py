"""Photos with messages (R8, R9): re-encoded before they are stored, refused when they are not
photos (nothing stored), and served only to the two sides of the thread — to the teacher only
once the message is delivered."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from messaging.models import Message, MessagePhoto, Thread
from tests.clock import at
from tests.conftest import client_for
from tests.factories import ParentLinkFactory
from tests.media import corpus

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
SATURDAY = dt.datetime(2026, 11, 28, 10, 0, tzinfo=LONDON)
MONDAY_0900 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _own_media_root(tmp_path: Path, settings) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def jpeg(name: str = "rash.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    image = Image.new("RGB", (1200, 800), "teal")
    exif = image.getexif()
    exif[0x0110] = "Phone"  # camera model: must not survive
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "messages"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def send(client, pupil, teacher, **data):
    payload = {"to": f"{pupil.pk}-{teacher.pk}", "route": "teacher", **data}
    return client.post(reverse("messaging_start"), payload)


def test_R9_a_parents_photo_is_re_encoded_and_reaches_the_teacher_when_delivered(
    school, parent_with_child, teacher
) -> None:
    parent, child = parent_with_child
    with at(SATURDAY):
        response = send(client_for(parent), child, teacher, body="Her drawing", photos=[jpeg()])
    assert response.status_code == 302
    photo = MessagePhoto.objects.get()
    with photo.file.open("rb") as file:
        image = Image.open(file)
        assert image.format == "WEBP" and not image.getexif()
    url = reverse("messaging_photo", args=[photo.key])
    with at(SATURDAY):
        assert client_for(parent).get(url).status_code == 200  # the author sees it at once
        assert client_for(teacher).get(url).status_code == 404  # quiet time: not delivered
    with at(MONDAY_0900):
        response = client_for(teacher).get(reverse("messaging_photo_thumb", args=[photo.key]))
        assert response.status_code == 200
        assert response["Cache-Control"].startswith("private")
        assert response["X-Content-Type-Options"] == "nosniff"
        page = client_for(teacher).get(reverse("messaging_thread", args=[photo.message.thread_id]))
        assert reverse("messaging_photo_thumb", args=[photo.key]) in page.content.decode()


def test_R8_another_family_never_gets_the_photo(school, parent_with_child, teacher) -> None:
    parent, child = parent_with_child
    with at(MONDAY_0900):
        send(client_for(parent), child, teacher, body="Look", photos=[jpeg()])
        photo = MessagePhoto.objects.get()
        other = ParentLinkFactory(pupil=child).parent  # even the child's other parent
        assert (
            client_for(other).get(reverse("messaging_photo", args=[photo.key])).status_code == 404
        )


def test_a_pdf_or_four_photos_are_refused_and_nothing_is_stored(
    school, parent_with_child, teacher
) -> None:
    parent, child = parent_with_child
    pdf = SimpleUploadedFile("note.pdf", corpus.plain_pdf().read_bytes())
    with at(MONDAY_0900):
        response = send(client_for(parent), child, teacher, body="Note", photos=[pdf])
        assert response.status_code == 400
        assert "is not a photo" in response.content.decode()
        response = send(
            client_for(parent),
            child,
            teacher,
            body="Four",
            photos=[jpeg(f"{n}.jpg") for n in range(4)],
        )
        assert "at most 3 photos" in response.content.decode()
        fake = SimpleUploadedFile("x.png", b"<html>not a picture</html>")
        response = send(client_for(parent), child, teacher, body="Fake", photos=[fake])
        assert response.status_code == 400
    assert not Thread.objects.exists() and not Message.objects.exists()
    assert not MessagePhoto.objects.exists() and not stored_files()


def test_a_photo_alone_is_a_message(school, parent_with_child, teacher) -> None:
    parent, child = parent_with_child
    with at(MONDAY_0900):
        response = send(client_for(parent), child, teacher, body="", photos=[jpeg()])
    assert response.status_code == 302 and Message.objects.get().photos.count() == 1


def test_a_withdrawn_messages_photo_is_gone_for_both(school, parent_with_child, teacher) -> None:
    parent, child = parent_with_child
    with at(MONDAY_0900):
        send(client_for(parent), child, teacher, body="Oops", photos=[jpeg()])
        message = Message.objects.get()
        client_for(parent).post(reverse("messaging_withdraw", args=[message.pk]))
        key = message.photos.get().key
        for user in (parent, teacher):
            assert client_for(user).get(reverse("messaging_photo", args=[key])).status_code == 404
