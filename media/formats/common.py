"""What the format checks share: the allow-list's formats, the errors, and limits on reading."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

import pillow_heif

# iPhones save photos as HEIC. Embedded thumbnails, depth maps and auxiliary images are never
# used here, so libheif is not asked to read them.
pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)

# The Pillow decoders a photo may reach: never EPS (Ghostscript), TIFF, or any other plugin.
PILLOW_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")

HEAD_BYTES = 4096
# A container's index larger than this is not a classroom recording: refused, not read.
MAX_INDEX_BYTES = 32 * 1024 * 1024
# Boxes or elements walked at one level: a fragmented MP4 (as Safari records) has two per
# fragment; a file of nothing but tiny boxes stops here.
MAX_BOXES = 100_000


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
    """What a file is: its kind ("photo", "audio", "video", "document") and how it is served."""

    kind: str
    content_type: str
    extension: str
    pillow_format: str = ""


JPEG = Format("photo", "image/jpeg", ".jpg", "JPEG")
PNG = Format("photo", "image/png", ".png", "PNG")
WEBP = Format("photo", "image/webp", ".webp", "WEBP")
HEIC = Format("photo", "image/heic", ".heic", "HEIF")
MP3 = Format("audio", "audio/mpeg", ".mp3")
M4A = Format("audio", "audio/mp4", ".m4a")
OGG = Format("audio", "audio/ogg", ".ogg")
WAV = Format("audio", "audio/wav", ".wav")
WEBM_AUDIO = Format("audio", "audio/webm", ".webm")
MP4 = Format("video", "video/mp4", ".mp4")
MOV = Format("video", "video/quicktime", ".mov")
WEBM_VIDEO = Format("video", "video/webm", ".webm")
PDF = Format("document", "application/pdf", ".pdf")


def read_exactly(fp: IO[bytes], count: int) -> bytes:
    """``count`` bytes from the read position; a file that ends first is ``Damaged``."""
    data = fp.read(count)
    if len(data) != count:
        raise Damaged
    return data
