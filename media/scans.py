"""Checking an uploaded scan of a consent form (R11, R14): a PDF, JPEG or PNG, by its content.

A scan goes through the checks every upload does (``media.uploads.check_upload``): its kind is
read from its bytes (never its name or the browser's claim; a name that says another kind, a PDF
named ``.png``, is refused), a PDF must be complete, and a photo
is opened only by the one decoder its signature names, its pixels counted from the header and
then decoded once, so a picture that is damaged, cut short or a decompression bomb is refused.
What differs is the limits (at most 10 MB, PDF, JPEG or PNG only: what an office scanner or
phone makes) and the messages, which speak of "the scan" beside the office's form field.

``scan_suffix`` is a pure check: nothing is written, and the file's read position is left at
the start. ``scan_clean`` then gives what is stored (R9, R36): a PDF rewritten by
``media.documents.clean_pdf`` (no author, title, XMP, scripts, attachments or links out), a
photo rebuilt from its pixels by ``media.photos.process_photo`` (upright, no EXIF or GPS, at
most 2048 pixels long: a form stays legible), never the bytes as uploaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, cast

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from .documents import clean_pdf
from .photos import process_photo
from .uploads import MediaKind, check_upload, upload_size

MAX_SCAN_BYTES = 10 * 1024 * 1024
# The kinds a scan may be, each at most MAX_SCAN_BYTES, and the content types among them.
SCAN_LIMITS = {MediaKind.DOCUMENT: MAX_SCAN_BYTES, MediaKind.PHOTO: MAX_SCAN_BYTES}
SCAN_SUFFIXES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}

SCAN_TOO_LARGE = _("The scan is larger than 10 MB. Please scan at a lower resolution.")
SCAN_NOT_ALLOWED = _("The scan must be a PDF, JPEG or PNG file.")
SCAN_EMPTY = _("The scan is empty.")
SCAN_MISMATCH = _(
    "The scan is not the kind of file its name says. Please check that it is the form's scan, "
    "and add it again with a name that matches it."
)
SCAN_DAMAGED = _("The scan is damaged or incomplete. Please scan the form again.")
SCAN_ENCRYPTED = _(
    "The scan is protected with a password. Please save it without protection and add it again."
)
SCAN_TOO_MANY_PAGES = _("The scan has more than %(limit)s pages. Please scan the form alone.")
SCAN_TOO_MANY_PIXELS = _(
    "The scan has too many pixels: at most %(limit)s million. Please scan at a lower resolution."
)


def scan_suffix(upload: UploadedFile) -> str:
    """The file's real type as a suffix (``pdf``, ``jpg``, ``png``), or a ValidationError
    with one of the messages above (code ``empty``, ``too_large``, ``not_allowed``, ``mismatch``,
    ``damaged``, ``encrypted``, ``too_many_pages`` or ``too_many_pixels``)."""
    size = upload_size(upload)
    if size == 0:
        raise ValidationError(SCAN_EMPTY, code="empty")
    if size > MAX_SCAN_BYTES:  # before the content: a large file is not read at all
        raise ValidationError(SCAN_TOO_LARGE, code="too_large")
    try:
        checked = check_upload(upload, limits=SCAN_LIMITS)
    except ValidationError as refusal:
        raise _scan_refusal(refusal) from None
    if checked.content_type not in SCAN_SUFFIXES:  # a WebP or HEIC photo
        raise ValidationError(SCAN_NOT_ALLOWED, code="not_allowed")
    return SCAN_SUFFIXES[checked.content_type]


@dataclass(frozen=True)
class CleanScan:
    """What is stored of a scan: its bytes and the suffix its name gets."""

    content: bytes
    suffix: str


def scan_clean(upload: UploadedFile) -> CleanScan:
    """The scan checked (``ValidationError`` as ``scan_suffix`` raises it) and cleaned: a PDF
    rewritten without metadata or scripts, a photo re-encoded as a WebP without metadata."""
    suffix = scan_suffix(upload)
    try:
        if suffix == "pdf":
            return CleanScan(clean_pdf(upload), "pdf")
        photo = process_photo(cast(BinaryIO, upload))
    finally:
        upload.seek(0)
    return CleanScan(photo.display, photo.extension.lstrip("."))


def _scan_refusal(refusal: ValidationError) -> ValidationError:
    """The upload check's refusal, said of the scan."""
    if refusal.code == "damaged":
        return ValidationError(SCAN_DAMAGED, code="damaged")
    if refusal.code == "mismatch":
        return ValidationError(SCAN_MISMATCH, code="mismatch")
    if refusal.code == "encrypted":
        return ValidationError(SCAN_ENCRYPTED, code="encrypted")
    if refusal.code == "too_many_pages":
        return ValidationError(SCAN_TOO_MANY_PAGES, code="too_many_pages", params=refusal.params)
    if refusal.code == "too_many_pixels":
        return ValidationError(SCAN_TOO_MANY_PIXELS, code="too_many_pixels", params=refusal.params)
    return ValidationError(SCAN_NOT_ALLOWED, code="not_allowed")
