"""What an uploaded photo or document is, read from its first bytes (R9).

``identify`` is the light signature check in front of ffprobe: it looks at a file's first
bytes, never at its name or the browser's content type (anyone can set those), and knows the
photos (JPEG, PNG, WebP, HEIC/HEIF by its ``ftyp`` brand) and PDFs. Anything else comes back as
``None``: a recording, perhaps, and ffprobe decides (``media.probe``), with its own allow-list
of containers. Keeping the check costs a few lines and saves work: a photo or PDF never starts
a process, and a photo is opened by Pillow restricted to the one decoder its signature names
(``Format.pillow_format``); a picture in a format off the list (SVG, TIFF, EPS, GIF, BMP, AVIF)
gets its own message. Content decides what a file is; a name or declared type that says
otherwise gets the file refused (``media.naming``, ``media.uploads``).

It raises ``UnsupportedPicture`` or ``Damaged``; ``media.uploads`` turns those into messages.
"""

from __future__ import annotations

from typing import IO

from .common import (
    HEAD_BYTES,
    JPEG,
    PDF,
    PILLOW_FORMATS,
    PNG,
    WEBP,
    Damaged,
    Format,
    FormatError,
    NotAccepted,
    UnsupportedPicture,
)
from .iso import AVIF_BRANDS, iso_picture

__all__ = [
    "PILLOW_FORMATS",
    "Damaged",
    "Format",
    "FormatError",
    "NotAccepted",
    "UnsupportedPicture",
    "identify",
]

OTHER_PICTURE_SIGNATURES = (
    b"II*\x00",  # TIFF, little-endian
    b"MM\x00*",  # TIFF, big-endian
    b"%!PS",  # PostScript / EPS
    b"\xc5\xd0\xd3\xc6",  # EPS with a binary preview
    b"GIF87a",
    b"GIF89a",
    b"BM",
)


def identify(fp: IO[bytes], size: int) -> Format | None:
    """Say whether the ``size``-byte file ``fp`` is a photo or a PDF, from its content;
    ``None`` when it is neither (a recording, perhaps: ffprobe's to say). Leaves the read
    position anywhere: the caller seeks back."""
    fp.seek(0)
    head = fp.read(HEAD_BYTES)
    found = _photo(head) or iso_picture(head) or _document(fp, head, size)
    if found:
        return found
    if _looks_like_other_picture(head):
        raise UnsupportedPicture
    return None


def _photo(head: bytes) -> Format | None:
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def _document(fp: IO[bytes], head: bytes, size: int) -> Format | None:
    if not head.startswith(b"%PDF-"):
        return None
    fp.seek(max(0, size - 1024))
    if b"%%EOF" not in fp.read(1024):
        raise Damaged  # every complete PDF ends with %%EOF: this one was cut short
    return PDF


def _looks_like_other_picture(head: bytes) -> bool:
    if head.startswith(OTHER_PICTURE_SIGNATURES):
        return True
    if head[4:8] == b"ftyp" and head[8:12] in AVIF_BRANDS:
        return True
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<?xml", b"<svg", b"<!doctype svg")) and b"<svg" in text
