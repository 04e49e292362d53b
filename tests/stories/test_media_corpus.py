"""Every kind of media a post carries is stored clean (R9, R36).

The corpus (``tests.media.corpus``) is made with ffmpeg and pikepdf: an iPhone-like HEVC .mov
with its location, an MP4 with ``©xyz`` and a title, an MP3 with ID3 tags, a WAV, a 4-minute
video, a 10-second portrait video, a PDF with an author, XMP, an attachment and JavaScript. Each
goes through ``post_create`` and the worker, and the stored copy is checked with ffprobe or
pikepdf: no metadata left, the right streams, the right picture size. Bad input is refused
with a clear message and leaves nothing on disk.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from PIL import Image

from classes.models import School
from media import uploads
from notifications.models import Kind, Notification
from stories.models import Attachment, AttachmentStatus
from stories.services.media import attachment_transcode
from tests.media import corpus
from tests.requirements import require_or_skip

from .conftest import class_post, media_files

pytestmark = pytest.mark.django_db

# What ffprobe shows of every MP4, whatever it holds: the container's brand (its ``ftyp``), and
# for each track the "undetermined" language and a vendor field of zeros, two fixed fields it
# reads as tags. Nothing else: no handler names, encoder, creation time or location.
CONTAINER_TAGS = {"major_brand", "minor_version", "compatible_brands"}
STREAM_TAGS = {"language": {"und"}, "vendor_id": {"[0][0][0][0]"}}


def upload_of(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def posted(teacher, school_class, path: Path, name: str | None = None, *, run_worker) -> Any:
    with run_worker(execute=True):
        post = class_post(
            teacher, school_class, uploads=[upload_of(path, name)], no_child_appears=True
        )
    return post.attachments.get()


def assert_no_metadata(report: dict[str, Any]) -> None:
    assert set(report["format"].get("tags", {})) <= CONTAINER_TAGS
    assert report.get("chapters") == []
    for stream in report["streams"]:
        for key, value in stream.get("tags", {}).items():
            assert value in STREAM_TAGS.get(key, set()), (key, value)
        assert not stream.get("side_data_list")  # no display matrix: the turn is applied


def streams(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [(stream["codec_type"], stream["codec_name"]) for stream in report["streams"]]


@pytest.mark.parametrize(
    ("make", "name", "size"),
    [
        (corpus.hevc_mov, "IMG_0042.MOV", (160, 120)),
        (corpus.mp4_with_location, "VID_2026.mp4", (160, 120)),
        (corpus.portrait_video, "upright.mp4", (180, 320)),
    ],
)
def test_R36_a_video_is_transcoded_to_h264_and_aac_with_no_metadata(
    teacher, school_class, django_capture_on_commit_callbacks, make, name, size
) -> None:
    attachment = posted(
        teacher, school_class, make(), name, run_worker=django_capture_on_commit_callbacks
    )
    assert (attachment.status, attachment.content_type) == (AttachmentStatus.READY, "video/mp4")
    assert not attachment.pending.name
    report = corpus.ffprobe(Path(attachment.file.path))
    assert streams(report) == [("video", "h264"), ("audio", "aac")]
    video = report["streams"][0]
    assert (video["profile"], video["pix_fmt"]) == ("High", "yuv420p")
    assert (video["width"], video["height"]) == size == (attachment.width, attachment.height)
    assert_no_metadata(report)
    content = Path(attachment.file.path).read_bytes()
    assert corpus.NAME.encode() not in content and b"51.5074" not in content
    assert content.index(b"moov") < content.index(b"mdat")  # +faststart: the index first
    with Image.open(attachment.thumbnail.path) as poster:
        assert poster.format == "WEBP" and not poster.getexif() and not poster.info.get("xmp")
        assert poster.size == size == (attachment.thumb_width, attachment.thumb_height)
    assert len(media_files()) == 2  # the copy and its poster; the upload itself is gone


def test_R36_a_large_video_is_brought_down_to_1280_on_its_longest_edge(
    teacher, school_class, django_capture_on_commit_callbacks
) -> None:
    attachment = posted(
        teacher, school_class, corpus.large_video(), run_worker=django_capture_on_commit_callbacks
    )
    report = corpus.ffprobe(Path(attachment.file.path))
    assert streams(report) == [("video", "h264")]  # it had no sound: none is made up
    assert (attachment.width, attachment.height) == (1280, 720)
    assert (attachment.thumb_width, attachment.thumb_height) == (640, 360)


@pytest.mark.parametrize(
    "make", [corpus.mp3_with_id3, corpus.wav, corpus.mp3_with_cover], ids=["mp3", "wav", "cover"]
)
def test_R36_sound_is_transcoded_to_aac_in_m4a_with_no_metadata(
    teacher, school_class, django_capture_on_commit_callbacks, make: Callable[[], Path]
) -> None:
    run_worker = django_capture_on_commit_callbacks
    attachment = posted(teacher, school_class, make(), run_worker=run_worker)
    assert (attachment.status, attachment.content_type) == (AttachmentStatus.READY, "audio/mp4")
    report = corpus.ffprobe(Path(attachment.file.path))
    assert streams(report) == [("audio", "aac")]  # an MP3's cover picture is gone too
    assert float(report["format"]["duration"]) == pytest.approx(2, abs=0.1)
    assert_no_metadata(report)
    assert corpus.NAME.encode() not in Path(attachment.file.path).read_bytes()
    assert not attachment.thumbnail.name and len(media_files()) == 1


def test_R36_a_recording_shows_processing_until_the_worker_has_made_its_copy(
    teacher, school_class, django_capture_on_commit_callbacks
) -> None:
    post = class_post(
        teacher, school_class, uploads=[upload_of(corpus.hevc_mov())], no_child_appears=True
    )
    attachment = post.attachments.get()
    assert attachment.status == AttachmentStatus.PROCESSING and not attachment.file.name
    html = render_to_string(
        "stories/includes/attachment.html", {"attachment": attachment, "forloop": {"counter": 1}}
    )
    assert "Video processing…" in html and "<video" not in html
    with django_capture_on_commit_callbacks(execute=True):
        attachment_transcode(attachment.pk)
    attachment.refresh_from_db()
    html = render_to_string(
        "stories/includes/attachment.html", {"attachment": attachment, "forloop": {"counter": 1}}
    )
    assert "<video" in html and "poster=" in html and 'width="160"' in html
    attachment_transcode(attachment.pk)  # again: nothing more happens
    assert len(media_files()) == 2


def test_R36_a_recording_ffmpeg_cannot_transcode_fails_leaves_nothing_and_tells_the_author(
    teacher, school_class, django_capture_on_commit_callbacks
) -> None:
    post = class_post(
        teacher, school_class, uploads=[upload_of(corpus.wav())], no_child_appears=True
    )
    attachment = post.attachments.get()
    Path(attachment.pending.path).write_bytes(b"RIFF....WAVE" + b"\x00" * 64)  # spoilt since
    with django_capture_on_commit_callbacks(execute=True):
        attachment_transcode(attachment.pk)
    attachment.refresh_from_db()
    assert attachment.status == AttachmentStatus.FAILED
    assert not attachment.pending.name and not attachment.file.name and media_files() == []
    told = Notification.objects.get(kind=Kind.MEDIA_FAILED)
    assert (told.recipient, told.link) == (teacher, reverse("stories_post", args=[post.pk]))
    html = render_to_string(
        "stories/includes/attachment.html", {"attachment": attachment, "forloop": {"counter": 1}}
    )
    assert "This recording could not be processed." in html


def test_R36_a_recording_whose_post_was_deleted_meanwhile_leaves_nothing(
    teacher, school_class, monkeypatch
) -> None:
    post = class_post(
        teacher, school_class, uploads=[upload_of(corpus.wav())], no_child_appears=True
    )
    attachment = post.attachments.get()
    from stories.services import media as service

    real = service._transcode

    def and_meanwhile_deleted(row: Attachment, folder: Path):
        made = real(row, folder)
        Attachment.objects.filter(pk=row.pk).update(status=AttachmentStatus.FAILED)
        Path(row.pending.path).unlink()
        return made

    monkeypatch.setattr(service, "_transcode", and_meanwhile_deleted)
    attachment_transcode(attachment.pk)
    assert media_files() == []


def test_R36_the_school_sets_the_longest_recording(teacher, school_class) -> None:
    long_video = upload_of(corpus.long_video(), "assembly.mp4")
    with pytest.raises(ValidationError) as refused:
        class_post(teacher, school_class, uploads=[long_video], no_child_appears=True)
    assert refused.value.messages == [
        str(uploads.TOO_LONG % {"name": "assembly.mp4", "length": "4:00", "limit": "3:00"})
    ]
    assert media_files() == []
    School.objects.update(max_recording_minutes=5)
    from django.core.cache import cache

    cache.clear()
    post = class_post(teacher, school_class, uploads=[long_video], no_child_appears=True)
    assert post.attachments.get().status == AttachmentStatus.PROCESSING


def test_R36_a_two_hour_video_is_refused_saying_how_long_it_is_and_nothing_is_stored(
    teacher, school_class
) -> None:
    film = upload_of(corpus.two_hour_video(), "sports-day-whole.mp4")
    with pytest.raises(ValidationError) as refused:
        class_post(teacher, school_class, uploads=[film], no_child_appears=True)
    assert refused.value.messages == [
        str(
            uploads.TOO_LONG
            % {"name": "sports-day-whole.mp4", "length": "2:00:00", "limit": "3:00"}
        )
    ]
    assert not Attachment.objects.exists() and media_files() == []


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("notes.mp4", lambda: b"these are my notes, not a film\n" * 20, uploads.NOT_ACCEPTED),
        ("cut.mp4", lambda: corpus.truncated_mp4().read_bytes(), uploads.DAMAGED),
        ("words.mp4", lambda: corpus.mp4_without_streams().read_bytes(), uploads.NOT_ACCEPTED),
        ("still.mp4", lambda: corpus.still_mp4().read_bytes(), uploads.NOT_ACCEPTED),
    ],
    ids=["text", "truncated", "no-streams", "still"],
)
def test_R36_a_file_that_is_no_playable_recording_is_refused_and_nothing_is_stored(
    teacher, school_class, name: str, make: Callable[[], bytes], message
) -> None:
    upload = SimpleUploadedFile(name, make(), content_type="video/mp4")
    with pytest.raises(ValidationError) as refused:
        class_post(teacher, school_class, uploads=[upload], no_child_appears=True)
    assert refused.value.messages == [str(message % {"name": name})]
    assert not Attachment.objects.exists() and media_files() == []


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("film.mp4", corpus.pdf_with_everything, uploads.REALLY_A_PDF),
        ("drawing.jpg", corpus.hevc_mov, uploads.REALLY_A_RECORDING),
        ("fractions.pdf", corpus.mp3_with_id3, uploads.REALLY_A_RECORDING),
    ],
    ids=["pdf-as-mp4", "mov-as-jpg", "mp3-as-pdf"],
)
def test_R36_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_stored(
    teacher, school_class, django_capture_on_commit_callbacks, name, make, message
) -> None:
    with (
        pytest.raises(ValidationError) as refused,
        django_capture_on_commit_callbacks(execute=True),
    ):
        class_post(teacher, school_class, uploads=[upload_of(make(), name)], no_child_appears=True)
    assert refused.value.messages == [str(message % {"name": name})]
    assert not Attachment.objects.exists() and media_files() == []


def test_R36_a_work_sample_is_stored_without_its_author_title_xmp_or_scripts(
    teacher, school_class
) -> None:
    require_or_skip(shutil.which("pdftoppm") is not None, "needs pdftoppm (poppler-utils)")
    post = class_post(
        teacher,
        school_class,
        uploads=[upload_of(corpus.pdf_with_everything())],
        no_child_appears=True,
    )
    attachment = post.attachments.get()
    assert (attachment.status, attachment.content_type) == (
        AttachmentStatus.READY,
        "application/pdf",
    )
    content = Path(attachment.file.path).read_bytes()
    assert attachment.size == len(content)
    with pikepdf.open(attachment.file.path) as pdf:
        assert "/Info" not in pdf.trailer and "/Metadata" not in pdf.Root
        assert "/OpenAction" not in pdf.Root and not pdf.attachments
    assert corpus.NAME.encode() not in content
    with Image.open(attachment.thumbnail.path) as page_one:  # drawn from the cleaned copy
        assert page_one.format == "WEBP" and not page_one.getexif()
        assert page_one.size == (attachment.thumb_width, attachment.thumb_height)
    html = render_to_string(
        "stories/includes/attachment.html", {"attachment": attachment, "forloop": {"counter": 1}}
    )
    assert "Page 1 of work sample 1" in html and "Work sample (PDF)" in html
    assert len(media_files()) == 2  # the PDF and its page 1
