"""What a story attachment really is, and what is refused before anything is stored (R9).

Every sample is built here, byte by byte or with Pillow: no file of a real person.
"""

from __future__ import annotations

import contextlib
import io
import struct
import wave
import zlib
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from PIL import Image

from media import uploads
from media.uploads import MediaKind, check_upload, check_uploads

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


MPEG_FRAME = b"\xff\xfb\x90\x00" + b"\x00" * 413  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz


def mp3_bytes(*, id3: bool = True) -> bytes:
    title = b"TIT2" + struct.pack(">I", 11) + b"\x00\x00" + b"\x00Class song"
    tag_size = len(title)
    syncsafe = bytes((tag_size >> shift) & 0x7F for shift in (21, 14, 7, 0))
    tag = b"ID3\x03\x00\x00" + syncsafe + title if id3 else b""
    return tag + MPEG_FRAME * 3


def box(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", 8 + len(body)) + kind + body


def iso_media_bytes(
    major: bytes, handlers: list[bytes], *, compatible: bytes = b"isom", media: bytes = b""
) -> bytes:
    """An MP4/MOV/M4A: ftyp, a moov index with one track per handler ("vide", "soun"), then
    ``media`` (by default one mdat box)."""
    tracks = b"".join(
        box(
            b"trak", box(b"tkhd", bytes(84)) + box(b"mdia", box(b"hdlr", bytes(8) + h + bytes(13)))
        )
        for h in handlers
    )
    moov = box(b"moov", box(b"mvhd", bytes(100)) + tracks)
    return box(b"ftyp", major + bytes(4) + compatible) + moov + (media or box(b"mdat", bytes(256)))


def ebml(element_id: int, body: bytes) -> bytes:
    """An EBML element with an eight-byte size."""
    id_bytes = element_id.to_bytes((element_id.bit_length() + 7) // 8, "big")
    return id_bytes + b"\x01" + len(body).to_bytes(7, "big") + body


def webm_bytes(track_types: list[int], doctype: bytes = b"webm") -> bytes:
    """A WebM as browsers record it: the segment of unknown size, tracks, then a cluster."""
    header = ebml(0x1A45DFA3, ebml(0x4286, b"\x01") + ebml(0x4282, doctype))
    entries = b"".join(
        ebml(0xAE, ebml(0xD7, bytes([number + 1])) + ebml(0x83, bytes([track_type])))
        for number, track_type in enumerate(track_types)
    )
    segment_body = (
        ebml(0x1549A966, ebml(0x2AD7B1, b"\x0f\x42\x40"))
        + ebml(0x1654AE6B, entries)
        + ebml(0x1F43B675, ebml(0xE7, b"\x00") + ebml(0xA3, bytes(64)))
    )
    return header + b"\x18\x53\x80\x67" + b"\x01\xff\xff\xff\xff\xff\xff\xff" + segment_body


def ogg_bytes(first_packet: bytes) -> bytes:
    page_header = b"OggS\x00\x02" + bytes(8) + b"\x01\x00\x00\x00" + bytes(8)
    return page_header + bytes([1, len(first_packet)]) + first_packet


OPUS_HEAD = b"OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00\x00"

PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
    b"trailer <</Root 1 0 R>>\n%%EOF\n"
)


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
    ("name", "content", "kind", "content_type", "extension"),
    [
        ("song.wav", wav_bytes(), MediaKind.AUDIO, "audio/wav", ".wav"),
        ("song.mp3", mp3_bytes(), MediaKind.AUDIO, "audio/mpeg", ".mp3"),
        ("song-no-tag.mp3", mp3_bytes(id3=False), MediaKind.AUDIO, "audio/mpeg", ".mp3"),
        (
            "reading.m4a",
            iso_media_bytes(b"M4A ", [b"soun"], compatible=b"M4A mp42"),
            MediaKind.AUDIO,
            "audio/mp4",
            ".m4a",
        ),
        (
            "phone-recorder.m4a",
            iso_media_bytes(b"mp42", [b"soun"]),
            MediaKind.AUDIO,
            "audio/mp4",
            ".m4a",
        ),
        ("voice.ogg", ogg_bytes(OPUS_HEAD), MediaKind.AUDIO, "audio/ogg", ".ogg"),
        (
            "voice.ogg",
            ogg_bytes(b"\x01vorbis" + bytes(22)),
            MediaKind.AUDIO,
            "audio/ogg",
            ".ogg",
        ),
        ("voice.webm", webm_bytes([2]), MediaKind.AUDIO, "audio/webm", ".webm"),
        (
            "play.mp4",
            iso_media_bytes(b"isom", [b"vide", b"soun"]),
            MediaKind.VIDEO,
            "video/mp4",
            ".mp4",
        ),
        (
            "play.mov",
            iso_media_bytes(b"qt  ", [b"soun", b"vide"], compatible=b"qt  "),
            MediaKind.VIDEO,
            "video/quicktime",
            ".mov",
        ),
        ("play.webm", webm_bytes([1, 2]), MediaKind.VIDEO, "video/webm", ".webm"),
        ("maths.pdf", PDF, MediaKind.DOCUMENT, "application/pdf", ".pdf"),
    ],
)
def test_R9_recordings_and_work_samples_are_accepted_by_their_content(
    name: str, content: bytes, kind: MediaKind, content_type: str, extension: str
) -> None:
    checked = check_upload(upload(name, content, "application/octet-stream"))
    assert (checked.kind, checked.content_type, checked.extension) == (
        kind,
        content_type,
        extension,
    )
    assert (checked.size, checked.width, checked.height) == (len(content), None, None)


def test_R9_a_fragmented_recording_as_safari_makes_it_is_accepted() -> None:
    # Safari records MP4 in fragments: a short index, then a moof/mdat pair every second.
    fragments = (box(b"moof", bytes(40)) + box(b"mdat", bytes(200))) * 1500
    content = iso_media_bytes(b"iso5", [b"soun"], media=fragments)
    checked = check_upload(upload("recording.mp4", content))
    assert (checked.kind, checked.content_type) == (MediaKind.AUDIO, "audio/mp4")


def test_R9_content_decides_a_pdf_named_mp4_is_a_document_stored_as_pdf() -> None:
    checked = check_upload(upload("video.mp4", PDF, "video/mp4"))
    assert (checked.kind, checked.content_type, checked.extension) == (
        MediaKind.DOCUMENT,
        "application/pdf",
        ".pdf",
    )


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


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cut.pdf", PDF[: len(PDF) - 10]),
        ("cut.mp4", iso_media_bytes(b"isom", [b"vide"])[:-100]),
        ("unfinished.mp4", box(b"ftyp", b"isom" + bytes(4) + b"isom") + box(b"mdat", bytes(64))),
        ("cut.webm", webm_bytes([1])[:40]),
        ("tag-only.mp3", mp3_bytes()[:30]),
    ],
)
def test_R9_recordings_and_pdfs_cut_short_are_refused_as_damaged(
    name: str, content: bytes
) -> None:
    assert refusal(lambda: check_upload(upload(name, content))) == [
        message(uploads.DAMAGED, name=name)
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("film.mkv", webm_bytes([1], doctype=b"matroska")),
        ("video.ogv", ogg_bytes(b"\x80theora" + bytes(20))),
        ("empty-box.mp4", iso_media_bytes(b"isom", [b"meta"])),
        ("song.mp2", b"\xff\xfd\x90\x00" + bytes(600)),  # MPEG layer II, not MP3
    ],
)
def test_R9_containers_holding_formats_off_the_list_are_refused(name: str, content: bytes) -> None:
    assert refusal(lambda: check_upload(upload(name, content))) == [
        message(uploads.NOT_ACCEPTED, name=name)
    ]


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
