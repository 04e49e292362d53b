"""What a story attachment really is, and what is refused before anything is stored (R9).

Every sample is built here, byte by byte, with Pillow or with ffmpeg (``tests.media.corpus``):
no file of a real person.
"""

from __future__ import annotations

import contextlib
import io
import struct
import wave
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from PIL import Image

from media import uploads
from media.uploads import MediaKind, check_upload, check_uploads
from tests.media import corpus

# Photos ---------------------------------------------------------------------------------------


def photo_bytes(format_: str, size: tuple[int, int] = (64, 48), mode: str = "RGB") -> bytes:
    """A photo with noisy detail (so that every part of the file carries pixels)."""
    image = Image.merge("RGB", [Image.effect_noise(size, 60) for _band in range(3)])
    output = io.BytesIO()
    image.convert(mode).save(output, format=format_)
    return output.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    pixels = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


# Recordings -----------------------------------------------------------------------------------


def wav_bytes() -> bytes:
    output = io.BytesIO()
    with wave.open(output, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(8000)
        recording.writeframes(b"\x00\x01" * 800)
    return output.getvalue()


PDF = corpus.plain_pdf().read_bytes()


# Helpers --------------------------------------------------------------------------------------


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def refusal(check: Callable[[], object]) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        check()
    return refused.value.messages


def message(constant, **params) -> str:
    return str(constant % params)


# Accepted -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("format_", "name", "content_type", "extension"),
    [
        ("JPEG", "sports-day.jpg", "image/jpeg", ".jpg"),
        ("PNG", "painting.png", "image/png", ".png"),
        ("WEBP", "trip.webp", "image/webp", ".webp"),
    ],
)
def test_R9_photos_are_accepted_with_their_real_type_and_size(
    format_: str, name: str, content_type: str, extension: str
) -> None:
    content = photo_bytes(format_, size=(120, 80))
    checked = check_upload(upload(name, content))
    assert checked.kind == MediaKind.PHOTO
    assert (checked.content_type, checked.extension) == (content_type, extension)
    assert (checked.size, checked.width, checked.height) == (len(content), 120, 80)


def test_R9_an_iphone_heic_photo_is_accepted() -> None:
    output = io.BytesIO()
    Image.new("RGB", (96, 64), (30, 120, 200)).save(output, format="HEIF", quality=70)
    checked = check_upload(upload("IMG_0042.HEIC", output.getvalue()))
    assert (checked.kind, checked.content_type, checked.extension) == (
        MediaKind.PHOTO,
        "image/heic",
        ".heic",
    )
    assert (checked.width, checked.height) == (96, 64)


@pytest.mark.parametrize(
    ("name", "make", "kind", "content_type", "extension"),
    [
        ("song.wav", corpus.wav, MediaKind.AUDIO, "audio/wav", ".wav"),
        ("song.mp3", corpus.mp3_with_id3, MediaKind.AUDIO, "audio/mpeg", ".mp3"),
        ("cover.mp3", corpus.mp3_with_cover, MediaKind.AUDIO, "audio/mpeg", ".mp3"),
        ("clip.mp4", corpus.mp4_with_location, MediaKind.VIDEO, "video/mp4", ".mp4"),
        ("IMG_0001.MOV", corpus.hevc_mov, MediaKind.VIDEO, "video/quicktime", ".mov"),
    ],
)
def test_R36_recordings_are_accepted_by_the_streams_ffprobe_finds(
    name: str, make: Callable[[], Path], kind: MediaKind, content_type: str, extension: str
) -> None:
    content = make().read_bytes()
    checked = check_upload(upload(name, content, "application/octet-stream"))
    assert (checked.kind, checked.content_type, checked.extension) == (
        kind,
        content_type,
        extension,
    )
    assert checked.size == len(content)
    assert checked.duration == pytest.approx(2, abs=0.1)


def test_R36_a_portrait_video_is_measured_as_it_is_shown() -> None:
    checked = check_upload(upload("upright.mp4", corpus.portrait_video().read_bytes()))
    assert (checked.kind, checked.width, checked.height) == (MediaKind.VIDEO, 180, 320)


def test_R9_a_pdf_is_accepted_as_a_work_sample() -> None:
    checked = check_upload(upload("maths.pdf", PDF))
    assert (checked.kind, checked.content_type, checked.extension, checked.size) == (
        MediaKind.DOCUMENT,
        "application/pdf",
        ".pdf",
        len(PDF),
    )


@pytest.mark.parametrize(
    ("name", "make", "declared", "really"),
    [
        ("video.mp4", lambda: PDF, "video/mp4", uploads.REALLY_A_PDF),
        ("song.mp3", lambda: PDF, "audio/mpeg", uploads.REALLY_A_PDF),
        ("sports-day.jpg", lambda: PDF, "image/jpeg", uploads.REALLY_A_PDF),
        ("notes.docx", lambda: PDF, "application/octet-stream", uploads.REALLY_A_PDF),
        ("maths.pdf", lambda: photo_bytes("JPEG"), "application/pdf", uploads.REALLY_A_PHOTO),
        ("clip.mp4", lambda: photo_bytes("PNG"), "video/mp4", uploads.REALLY_A_PHOTO),
        ("picture.jpg", lambda: corpus.mp4_with_location().read_bytes(), "image/jpeg",
         uploads.REALLY_A_RECORDING),
        ("work.pdf", lambda: corpus.mp3_with_id3().read_bytes(), "application/pdf",
         uploads.REALLY_A_RECORDING),
    ],
    ids=["pdf-as-mp4", "pdf-as-mp3", "pdf-as-jpg", "pdf-as-docx", "jpeg-as-pdf", "png-as-mp4",
         "mp4-as-jpg", "mp3-as-pdf"],
)  # fmt: skip
def test_R9_a_file_that_is_not_what_its_name_says_is_refused_saying_what_it_really_is(
    name: str, make: Callable[[], bytes], declared: str, really
) -> None:
    assert refusal(lambda: check_upload(upload(name, make(), declared))) == [
        message(really, name=name)
    ]


@pytest.mark.parametrize(
    ("name", "declared"),
    [("lesson", "video/mp4"), ("lesson.bin", "image/png"), ("lesson", "audio/wav")],
)
def test_R9_a_declared_type_of_another_kind_is_refused_when_the_name_says_nothing(
    name: str, declared: str
) -> None:
    assert refusal(lambda: check_upload(upload(name, PDF, declared))) == [
        message(uploads.REALLY_A_PDF, name=name)
    ]


@pytest.mark.parametrize(
    ("name", "make", "declared", "kind"),
    [
        ("painting.jpg", lambda: photo_bytes("PNG"), "image/jpeg", MediaKind.PHOTO),
        ("IMG_0042.HEIC", lambda: photo_bytes("JPEG"), "image/heic", MediaKind.PHOTO),
        ("voice.mp4", lambda: corpus.wav().read_bytes(), "video/mp4", MediaKind.AUDIO),
        ("song.m4a", lambda: corpus.mp4_with_location().read_bytes(), "audio/mp4",
         MediaKind.VIDEO),
        ("maths", lambda: PDF, "application/octet-stream", MediaKind.DOCUMENT),
        ("maths.pdf", lambda: PDF, "text/plain", MediaKind.DOCUMENT),
    ],
    ids=["png-as-jpg", "jpeg-as-heic", "wav-as-mp4", "video-as-m4a", "no-name", "text-plain"],
)  # fmt: skip
def test_R9_a_name_of_the_same_kind_or_one_that_claims_nothing_is_accepted(
    name: str, make: Callable[[], bytes], declared: str, kind: MediaKind
) -> None:
    """Within a kind the content decides (a PNG saved as .jpg is common); whether a recording
    is a video or a sound is its streams' to say."""
    assert check_upload(upload(name, make(), declared)).kind == kind


def test_R9_a_post_of_several_good_files_comes_back_in_order() -> None:
    files = [
        upload("a.png", photo_bytes("PNG")),
        upload("b.pdf", PDF),
        upload("c.wav", wav_bytes()),
    ]
    kinds = [checked.kind for checked in check_uploads(files)]
    assert kinds == [MediaKind.PHOTO, MediaKind.DOCUMENT, MediaKind.AUDIO]


@pytest.mark.parametrize("content", [photo_bytes("JPEG"), b"MZ\x90\x00" + bytes(200)])
def test_the_read_position_is_back_at_the_start_after_checking(content: bytes) -> None:
    file = upload("x.jpg", content)
    file.read(10)
    with contextlib.suppress(ValidationError):
        check_upload(file)
    assert file.tell() == 0


# Refused --------------------------------------------------------------------------------------


def test_R9_the_message_names_the_file_in_plain_words() -> None:
    html = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
    assert refusal(lambda: check_upload(upload("holiday.jpg", html, "image/jpeg"))) == [
        "“holiday.jpg” is not a photo, recording or PDF we can accept."
    ]


def test_R9_a_png_that_is_really_html_is_refused_whatever_the_browser_said() -> None:
    html = b"<html><body><img src=x onerror=alert(1)></body></html>"
    messages = refusal(lambda: check_upload(upload("drawing.png", html, "image/png")))
    assert messages == [message(uploads.NOT_ACCEPTED, name="drawing.png")]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(120) + b"PE\x00\x00" + bytes(200)),
        ("tool.png", b"\x7fELF\x02\x01\x01\x00" + bytes(300)),
        ("run.mp4", b"#!/bin/sh\nrm -rf ~\n"),
    ],
)
def test_R9_an_executable_is_refused(name: str, content: bytes) -> None:
    assert refusal(lambda: check_upload(upload(name, content))) == [
        message(uploads.NOT_ACCEPTED, name=name)
    ]


def test_R9_an_svg_is_refused_because_it_can_carry_script() -> None:
    svg = (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(document.cookie)</script></svg>"
    )
    assert refusal(lambda: check_upload(upload("star.svg", svg, "image/svg+xml"))) == [
        message(uploads.UNSUPPORTED_PICTURE, name="star.svg")
    ]


def eps_bytes() -> bytes:
    return (
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nnewpath 0 0 moveto showpage\n%%EOF\n"
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [("photo.jpg", eps_bytes()), ("scan.jpg", photo_bytes("TIFF"))],
    ids=["eps", "tiff"],
)
def test_R9_an_eps_or_tiff_renamed_jpg_is_refused_and_never_reaches_its_decoder(
    name: str, content: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    reached: list[str] = []
    for plugin in ("EPS", "TIFF"):
        Image.init()
        factory, accept = Image.OPEN[plugin]

        def spy(prefix: bytes, plugin: str = plugin, accept=accept) -> bool:
            reached.append(plugin)
            return bool(accept(prefix)) if accept else True

        monkeypatch.setitem(Image.OPEN, plugin, (factory, spy))
    messages = refusal(lambda: check_upload(upload(name, content, "image/jpeg")))
    assert messages == [message(uploads.UNSUPPORTED_PICTURE, name=name)]
    assert reached == []


def test_R9_a_truncated_jpeg_is_refused_at_upload() -> None:
    whole = photo_bytes("JPEG", size=(400, 300))
    cut = whole[: len(whole) // 2]
    assert refusal(lambda: check_upload(upload("cut.jpg", cut))) == [
        message(uploads.DAMAGED, name="cut.jpg")
    ]


def test_R9_a_truncated_png_is_refused_at_upload() -> None:
    whole = photo_bytes("PNG", size=(200, 150))
    assert refusal(lambda: check_upload(upload("cut.png", whole[: len(whole) * 2 // 3]))) == [
        message(uploads.DAMAGED, name="cut.png")
    ]


def test_R9_a_pdf_cut_short_is_refused_as_damaged() -> None:
    assert refusal(lambda: check_upload(upload("cut.pdf", PDF[: len(PDF) - 10]))) == [
        message(uploads.DAMAGED, name="cut.pdf")
    ]


@pytest.mark.parametrize(
    ("name", "make"),
    [("cut.mp4", corpus.truncated_mp4), ("cut-after-index.mp4", corpus.truncated_faststart_mp4)],
)
def test_R36_a_recording_cut_short_is_refused_as_damaged(
    name: str, make: Callable[[], Path]
) -> None:
    assert refusal(lambda: check_upload(upload(name, make().read_bytes()))) == [
        message(uploads.DAMAGED, name=name)
    ]


@pytest.mark.parametrize(
    ("name", "make"),
    [("subtitles.mp4", corpus.mp4_without_streams), ("still.mp4", corpus.still_mp4)],
)
def test_R36_a_container_with_nothing_to_play_is_refused(
    name: str, make: Callable[[], Path]
) -> None:
    assert refusal(lambda: check_upload(upload(name, make().read_bytes()))) == [
        message(uploads.NOT_ACCEPTED, name=name)
    ]


def test_R36_a_text_file_named_mp4_is_refused() -> None:
    assert refusal(lambda: check_upload(upload("film.mp4", b"just some words\n" * 40))) == [
        message(uploads.NOT_ACCEPTED, name="film.mp4")
    ]


def test_R36_a_video_longer_than_allowed_is_refused_naming_both_lengths() -> None:
    content = corpus.long_video().read_bytes()
    assert refusal(lambda: check_upload(upload("assembly.mp4", content))) == [
        message(uploads.TOO_LONG, name="assembly.mp4", length="4:00", limit="3:00")
    ]
    assert check_upload(upload("assembly.mp4", content), max_seconds=300).duration == 240


def test_R36_without_ffprobe_a_recording_is_refused_with_a_message_for_the_office(
    monkeypatch,
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert refusal(lambda: check_upload(upload("song.wav", wav_bytes()))) == [
        message(uploads.RECORDINGS_UNAVAILABLE, name="song.wav")
    ]


@pytest.mark.parametrize(
    ("seconds", "text"), [(59.2, "1:00"), (180, "3:00"), (725, "12:05"), (3723, "1:02:03")]
)
def test_lengths_are_written_as_people_write_them(seconds: float, text: str) -> None:
    assert uploads.duration_text(seconds) == text


def test_R9_a_zero_byte_file_is_refused() -> None:
    assert refusal(lambda: check_upload(upload("nothing.jpg", b""))) == [
        message(uploads.EMPTY, name="nothing.jpg")
    ]


def test_R9_a_photo_over_the_size_limit_is_refused(settings) -> None:
    settings.STORIES_MAX_PHOTO_BYTES = 2048
    content = photo_bytes("PNG", size=(100, 100))
    assert len(content) > 2048
    assert refusal(lambda: check_upload(upload("big.png", content))) == [
        message(
            uploads.TOO_LARGE,
            name="big.png",
            size=filesizeformat(len(content)),
            limit=filesizeformat(2048),
        )
    ]


def test_R9_each_kind_has_its_own_size_limit(settings) -> None:
    settings.STORIES_MAX_PHOTO_BYTES = 100
    settings.STORIES_MAX_DOCUMENT_BYTES = 100
    settings.STORIES_MAX_RECORDING_BYTES = 10_000
    assert check_upload(upload("song.wav", wav_bytes())).kind == MediaKind.AUDIO
    assert refusal(lambda: check_upload(upload("maths.pdf", PDF))) == [
        message(
            uploads.TOO_LARGE, name="maths.pdf", size=f"{len(PDF)}\xa0bytes", limit="100\xa0bytes"
        )
    ]


def test_R9_a_decompression_bomb_is_refused_before_decoding() -> None:
    bomb = png_declaring(20000, 20000)
    assert len(bomb) < 2000
    assert refusal(lambda: check_upload(upload("small.png", bomb))) == [
        message(uploads.TOO_MANY_PIXELS, name="small.png", limit="50")
    ]


def test_R9_a_photo_over_the_school_pixel_limit_but_under_pillows_is_refused() -> None:
    # 56 million pixels: under Pillow's own limit (89 million), over the portal's 50 million.
    assert refusal(lambda: check_upload(upload("pano.png", png_declaring(8000, 7000)))) == [
        message(uploads.TOO_MANY_PIXELS, name="pano.png", limit="50")
    ]


def test_R9_pillows_own_bomb_warning_also_ends_in_the_clear_message(settings) -> None:
    # With the portal's limit raised above Pillow's, Pillow's warning (not an error) fires.
    settings.STORIES_MAX_PIXELS = 1_000_000_000
    assert Image.MAX_IMAGE_PIXELS is not None
    assert Image.MAX_IMAGE_PIXELS < 10000 * 9000
    assert refusal(lambda: check_upload(upload("pano.png", png_declaring(10000, 9000)))) == [
        message(uploads.TOO_MANY_PIXELS, name="pano.png", limit="1000")
    ]


def test_R9_more_attachments_than_allowed_are_refused(settings) -> None:
    settings.STORIES_MAX_ATTACHMENTS = 10
    files = [upload(f"p{n}.png", photo_bytes("PNG", size=(8, 8))) for n in range(11)]
    assert refusal(lambda: check_uploads(files)) == [
        message(uploads.TOO_MANY_FILES, limit=10, count=11)
    ]
    assert len(check_uploads(files[:10])) == 10


def test_R9_a_post_over_the_total_size_is_refused(settings) -> None:
    settings.STORIES_MAX_POST_BYTES = 500
    files = [upload("a.wav", wav_bytes()), upload("b.wav", wav_bytes())]
    assert refusal(lambda: check_uploads(files)) == [
        message(
            uploads.POST_TOO_LARGE, size=filesizeformat(2 * len(wav_bytes())), limit="500\xa0bytes"
        )
    ]


def test_R9_every_refused_file_of_a_post_is_named_at_once() -> None:
    files = [
        upload("good.png", photo_bytes("PNG")),
        upload("page.png", b"<html></html>"),
        upload("empty.pdf", b""),
    ]
    assert refusal(lambda: check_uploads(files)) == [
        message(uploads.NOT_ACCEPTED, name="page.png"),
        message(uploads.EMPTY, name="empty.pdf"),
    ]


def test_R9_a_caller_can_set_its_own_limits_and_a_kind_they_leave_out_is_not_accepted(
    settings,
) -> None:
    settings.STORIES_MAX_DOCUMENT_BYTES = 100
    limits = {MediaKind.DOCUMENT: 10_000}

    assert check_upload(upload("maths.pdf", PDF), limits=limits).kind == MediaKind.DOCUMENT
    assert refusal(lambda: check_upload(upload("song.wav", wav_bytes()), limits=limits)) == [
        message(uploads.NOT_ACCEPTED, name="song.wav")
    ]
