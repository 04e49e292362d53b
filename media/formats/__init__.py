"""What an uploaded file really is, read from its bytes (R9).

``identify`` looks at a file's content — its signature and, for containers, the structure that
says what is inside — and never at its name or the browser's content type, which anyone can set.
Only the formats on the allow-list below pass; each comes back with the content type and
extension the portal stores and serves it under, so a PDF named ``.mp4`` is a document (content
decides: it is stored as ``.pdf`` and served as ``application/pdf``, never as a video).

This package reads structure only; photos are then opened by Pillow, restricted to the one
decoder their signature names (``Format.pillow_format``), by ``media.uploads``. It raises
``NotAccepted``, ``UnsupportedPicture`` or ``Damaged``; ``media.uploads`` turns those into
messages.

Allow-list: photos JPEG, PNG, WebP, HEIC/HEIF; audio MP3, M4A (MP4 with sound only), Ogg
(Opus or Vorbis), WAV (PCM or float), WebM with sound only; video MP4 and QuickTime MOV, WebM;
PDF documents.
"""

from __future__ import annotations

from typing import IO

from .audio import mp3, ogg, wav
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
from .iso import AVIF_BRANDS, iso_media
from .webm import webm

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


def identify(fp: IO[bytes], size: int) -> Format:
    """Say what the ``size``-byte file ``fp`` is, from its content.

    Reads headers and container indexes only (seeking past media data), so it is cheap even
    for large recordings. Leaves the read position anywhere: the caller seeks back.
    """
    fp.seek(0)
    head = fp.read(HEAD_BYTES)
    found = _photo(head) or _document(fp, head, size) or _recording(fp, head, size)
    if found:
        return found
    if _looks_like_other_picture(head):
        raise UnsupportedPicture
    raise NotAccepted


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


def _recording(fp: IO[bytes], head: bytes, size: int) -> Format | None:
    if head[4:8] == b"ftyp":
        return iso_media(fp, head, size)
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return wav(fp, size)
    if head.startswith(b"OggS"):
        return ogg(head)
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return webm(fp, size)
    return mp3(fp, head, size)


def _looks_like_other_picture(head: bytes) -> bool:
    if head.startswith(OTHER_PICTURE_SIGNATURES):
        return True
    if head[4:8] == b"ftyp" and head[8:12] in AVIF_BRANDS:
        return True
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<?xml", b"<svg", b"<!doctype svg")) and b"<svg" in text
