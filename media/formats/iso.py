"""ISO base media files by their ``ftyp`` brand: HEIC photos and AVIF pictures.

Only the brand is read here. An MP4, MOV or M4A (any other brand) is a recording, and what it
holds is ffprobe's to say (``media.probe``).
"""

from __future__ import annotations

import struct

from .common import HEIC, Damaged, Format, UnsupportedPicture

HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
HEIF_GENERIC_BRANDS = {b"mif1", b"msf1"}
AVIF_BRANDS = {b"avif", b"avis"}


def iso_picture(head: bytes) -> Format | None:
    """HEIC by its brand (an AVIF is refused); ``None`` for every other ISO media file."""
    if head[4:8] != b"ftyp":
        return None
    ftyp_size = struct.unpack(">I", head[:4])[0]
    if not 16 <= ftyp_size <= min(len(head), 1024):
        raise Damaged
    major = head[8:12]
    brands = {major} | {head[i : i + 4] for i in range(16, ftyp_size - 3, 4)}
    if major in HEIF_BRANDS or (major in HEIF_GENERIC_BRANDS and brands & HEIF_BRANDS):
        return HEIC
    if major in AVIF_BRANDS or (major in HEIF_GENERIC_BRANDS and brands & AVIF_BRANDS):
        raise UnsupportedPicture
    return None
