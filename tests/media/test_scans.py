"""A scan of a consent form is checked as every upload is (R9, R11): by its content, a PDF
complete, a photo decoded once by its own decoder and its pixels counted, with the scan's own
limits and messages. Every sample is built here."""

from __future__ import annotations

import io

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from media.scans import (
    MAX_SCAN_BYTES,
    SCAN_DAMAGED,
    SCAN_EMPTY,
    SCAN_ENCRYPTED,
    SCAN_MISMATCH,
    SCAN_NOT_ALLOWED,
    SCAN_TOO_LARGE,
    SCAN_TOO_MANY_PIXELS,
    scan_clean,
    scan_suffix,
)
from tests.media import corpus
from tests.media.test_uploads import PDF, photo_bytes, png_declaring, wav_bytes


def scan(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refused(upload: SimpleUploadedFile) -> list[str]:
    with pytest.raises(ValidationError) as refusal:
        scan_suffix(upload)
    return refusal.value.messages


@pytest.mark.parametrize(
    ("name", "content", "suffix"),
    [
        ("form.pdf", PDF, "pdf"),
        ("form.jpg", photo_bytes("JPEG"), "jpg"),
        ("form.png", photo_bytes("PNG"), "png"),
        ("form.jpg", photo_bytes("PNG"), "png"),  # within a kind, the content decides
    ],
)
def test_R11_a_scan_is_kept_with_the_type_its_content_shows(
    name: str, content: bytes, suffix: str
) -> None:
    upload = scan(name, content)

    assert scan_suffix(upload) == suffix
    assert upload.tell() == 0  # ready to be stored from its first byte


@pytest.mark.parametrize(
    ("name", "content"),
    [("form.png", PDF), ("form.pdf", photo_bytes("JPEG")), ("form.docx", PDF)],
)
def test_R9_a_scan_that_is_not_what_its_name_says_is_refused(name: str, content: bytes) -> None:
    assert refused(scan(name, content)) == [str(SCAN_MISMATCH)]


def test_R9_a_pdf_scan_cut_short_is_refused_as_damaged() -> None:
    assert refused(scan("form.pdf", PDF[:-7])) == [str(SCAN_DAMAGED)]


def test_R9_a_jpeg_scan_cut_short_is_refused_as_damaged() -> None:
    whole = photo_bytes("JPEG", size=(320, 240))

    assert refused(scan("form.jpg", whole[: len(whole) // 2])) == [str(SCAN_DAMAGED)]


def test_R9_a_scan_declaring_more_pixels_than_the_limit_is_refused_before_decoding(
    settings,
) -> None:
    settings.STORIES_MAX_PIXELS = 50_000_000

    assert refused(scan("form.png", png_declaring(10_000, 6_000))) == [
        str(SCAN_TOO_MANY_PIXELS % {"limit": "50"})
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("form.webp", photo_bytes("WEBP")),  # a photo, but not what a scanner makes
        ("form.gif", photo_bytes("GIF")),
        ("form.pdf", wav_bytes()),  # a recording
        ("form.pdf", b"<!doctype html><p>form</p>"),
    ],
)
def test_R11_a_scan_that_is_not_a_pdf_jpeg_or_png_is_refused(name: str, content: bytes) -> None:
    assert refused(scan(name, content)) == [str(SCAN_NOT_ALLOWED)]


def test_R11_an_empty_scan_is_refused() -> None:
    assert refused(scan("form.pdf", b"")) == [str(SCAN_EMPTY)]


def test_R11_a_scan_over_10_mb_is_refused_before_its_content_is_read() -> None:
    too_large = b"%PDF-1.4\n" + b"0" * MAX_SCAN_BYTES  # no end: never read that far

    assert refused(scan("form.pdf", too_large)) == [str(SCAN_TOO_LARGE)]


def test_R11_a_scan_has_its_own_size_limit_not_an_attachments(settings) -> None:
    settings.STORIES_MAX_PHOTO_BYTES = 100
    settings.STORIES_MAX_DOCUMENT_BYTES = 100

    assert scan_suffix(scan("form.png", photo_bytes("PNG", size=(200, 200)))) == "png"
    assert scan_suffix(scan("form.pdf", PDF + b"%" * 200)) == "pdf"


def test_R36_a_pdf_scan_is_stored_without_its_author_xmp_scripts_or_attachments() -> None:
    source = corpus.pdf_with_everything().read_bytes()

    cleaned = scan_clean(scan("form.pdf", source))

    assert cleaned.suffix == "pdf"
    with pikepdf.open(io.BytesIO(cleaned.content)) as pdf:
        assert "/Info" not in pdf.trailer and "/Metadata" not in pdf.Root
        assert "/OpenAction" not in pdf.Root and not pdf.attachments
    assert corpus.NAME.encode() not in cleaned.content


def test_R36_a_photo_scan_is_rebuilt_from_its_pixels_without_its_location() -> None:
    image = Image.merge("RGB", [Image.effect_noise((300, 200), 60) for _band in range(3)])
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = "Office scanner"
    exif[ExifTags.Base.Orientation] = 6  # turned a quarter: the stored scan is upright
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 0.0)
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)

    cleaned = scan_clean(scan("form.jpg", output.getvalue()))

    assert cleaned.suffix == "webp"
    with Image.open(io.BytesIO(cleaned.content)) as stored:
        assert stored.format == "WEBP" and stored.size == (200, 300)
        assert not stored.getexif() and not stored.info.get("xmp")
        assert not stored.info.get("icc_profile")


@pytest.mark.parametrize("make", [corpus.encrypted_pdf, corpus.encrypted_pdf_without_password])
def test_R36_an_encrypted_pdf_scan_is_refused(make) -> None:
    assert refused(scan("form.pdf", make().read_bytes())) == [str(SCAN_ENCRYPTED)]
