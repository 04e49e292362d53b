"""What the format checks share: the formats known by their signature, and the errors."""

from __future__ import annotations

from dataclasses import dataclass

import pillow_heif

# iPhones save photos as HEIC. Embedded thumbnails, depth maps and auxiliary images are never
# used here, so libheif is not asked to read them.
pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)

# The Pillow decoders a photo may reach: never EPS (Ghostscript), TIFF, or any other plugin.
PILLOW_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")

HEAD_BYTES = 4096


class FormatError(Exception):
    """The file cannot be accepted; the subclass says why."""


class NotAccepted(FormatError):
    """Not a format on the allow-list (an executable, HTML, a spreadsheet, …)."""


class UnsupportedPicture(FormatError):
    """A picture in a format not on the allow-list (SVG, TIFF, EPS, GIF, BMP, AVIF)."""


class Damaged(FormatError):
    """Starts as an allowed format, but its structure is broken or cut short."""


@dataclass(frozen=True)
class Format:
    """What a file is: its kind ("photo" or "document") and the type it is stored under."""

    kind: str
    content_type: str
    extension: str
    pillow_format: str = ""


JPEG = Format("photo", "image/jpeg", ".jpg", "JPEG")
PNG = Format("photo", "image/png", ".png", "PNG")
WEBP = Format("photo", "image/webp", ".webp", "WEBP")
HEIC = Format("photo", "image/heic", ".heic", "HEIF")
PDF = Format("document", "application/pdf", ".pdf")
