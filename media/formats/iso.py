"""ISO base media files (MP4, MOV, M4A, HEIC): the brand in ``ftyp``, the tracks in ``moov``."""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from typing import IO

from .common import (
    HEIC,
    M4A,
    MAX_BOXES,
    MAX_INDEX_BYTES,
    MOV,
    MP4,
    Damaged,
    Format,
    NotAccepted,
    UnsupportedPicture,
    read_exactly,
)

HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
HEIF_GENERIC_BRANDS = {b"mif1", b"msf1"}
AVIF_BRANDS = {b"avif", b"avis"}
ISO_MEDIA_BRANDS = {
    *(b"iso%d" % n for n in range(2, 10)),
    b"isom",
    b"mp41",
    b"mp42",
    b"avc1",
    b"M4A ",
    b"M4B ",
    b"M4V ",
    b"qt  ",
    b"dash",
    b"MSNV",
}


def iso_media(fp: IO[bytes], head: bytes, size: int) -> Format:
    """HEIC by its brand; MP4/MOV/M4A by the tracks its ``moov`` index lists."""
    ftyp_size = struct.unpack(">I", head[:4])[0]
    if not 16 <= ftyp_size <= min(len(head), 1024):
        raise Damaged
    major = head[8:12]
    brands = {major} | {head[i : i + 4] for i in range(16, ftyp_size - 3, 4)}
    if major in HEIF_BRANDS or (major in HEIF_GENERIC_BRANDS and brands & HEIF_BRANDS):
        return HEIC
    if major in AVIF_BRANDS or (major in HEIF_GENERIC_BRANDS and brands & AVIF_BRANDS):
        raise UnsupportedPicture
    if not brands & ISO_MEDIA_BRANDS:
        raise NotAccepted
    handlers = _track_handlers(fp, size)
    if b"vide" in handlers:
        return MOV if major == b"qt  " else MP4
    if b"soun" in handlers:
        return M4A
    raise NotAccepted  # a container with neither picture nor sound: nothing to play


def _boxes(fp: IO[bytes], start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """Each box between ``start`` and ``end``: (type, body start, body end)."""
    position = start
    for _count in range(MAX_BOXES):
        if position + 8 > end:
            return
        fp.seek(position)
        box_size, box_type = struct.unpack(">I4s", read_exactly(fp, 8))
        header = 8
        if box_size == 1:
            box_size, header = struct.unpack(">Q", read_exactly(fp, 8))[0], 16
        elif box_size == 0:
            box_size = end - position  # "to the end of the file"
        if box_size < header or position + box_size > end:
            raise Damaged  # a box that runs past the end: the upload was cut short
        yield box_type, position + header, position + box_size
        position += box_size
    raise NotAccepted


def _track_handlers(fp: IO[bytes], size: int) -> set[bytes]:
    """The handler types ("vide", "soun", …) of the tracks in the file's ``moov`` box.

    Every top-level box is walked (a seek each, media data is skipped), so a file whose
    last box runs past its end — a copy cut short — is refused wherever its index is.
    """
    moov = [(start, end) for box_type, start, end in _boxes(fp, 0, size) if box_type == b"moov"]
    if not moov:
        raise Damaged  # no index: a recording that was never finished
    start, end = moov[0]
    if end - start > MAX_INDEX_BYTES:
        raise NotAccepted
    fp.seek(start)
    index = io.BytesIO(read_exactly(fp, end - start))
    return set(_handlers_in(index, 0, end - start))


def _handlers_in(moov: IO[bytes], start: int, end: int) -> Iterator[bytes]:
    for box_type, trak_start, trak_end in _boxes(moov, start, end):
        if box_type != b"trak":
            continue
        for mdia_type, mdia_start, mdia_end in _boxes(moov, trak_start, trak_end):
            if mdia_type != b"mdia":
                continue
            for hdlr_type, hdlr_start, hdlr_end in _boxes(moov, mdia_start, mdia_end):
                if hdlr_type == b"hdlr" and hdlr_end - hdlr_start >= 12:
                    moov.seek(hdlr_start + 8)  # version, flags and pre_defined come first
                    yield moov.read(4)
