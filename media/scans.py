"""Checking an uploaded scan of a consent form: a PDF or a JPEG/PNG image, by content."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

MAX_SCAN_BYTES = 10 * 1024 * 1024
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png"}

SCAN_TOO_LARGE = _("The scan is larger than 10 MB. Please scan at a lower resolution.")
SCAN_NOT_ALLOWED = _("The scan must be a PDF, JPEG or PNG file.")
SCAN_EMPTY = _("The scan is empty.")


def scan_suffix(upload: UploadedFile) -> str:
    """The file's real type as a suffix (``pdf``, ``jpg``, ``png``), or a ValidationError.

    The type is read from the content, never from the name or the browser's claim.
    """
    size = upload.size or 0
    if size == 0:
        raise ValidationError(SCAN_EMPTY, code="empty")
    if size > MAX_SCAN_BYTES:
        raise ValidationError(SCAN_TOO_LARGE, code="too_large")
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return "pdf"
    try:
        with Image.open(upload) as image:
            kind = image.format or ""
            image.verify()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ):
        raise ValidationError(SCAN_NOT_ALLOWED, code="not_allowed") from None
    finally:
        upload.seek(0)
    if kind not in IMAGE_FORMATS:
        raise ValidationError(SCAN_NOT_ALLOWED, code="not_allowed")
    return IMAGE_FORMATS[kind]
