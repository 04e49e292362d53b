"""WebM: an EBML header with doctype "webm", audio or video by the tracks it lists."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO

from .common import (
    HEAD_BYTES,
    MAX_BOXES,
    MAX_INDEX_BYTES,
    WEBM_AUDIO,
    WEBM_VIDEO,
    Damaged,
    Format,
    NotAccepted,
    read_exactly,
)

EBML_ID, DOCTYPE_ID, SEGMENT_ID = 0x1A45DFA3, 0x4282, 0x18538067
TRACKS_ID, TRACK_ENTRY_ID, TRACK_TYPE_ID, CLUSTER_ID = 0x1654AE6B, 0xAE, 0x83, 0x1F43B675
VIDEO_TRACK, AUDIO_TRACK = 1, 2


def webm(fp: IO[bytes], size: int) -> Format:
    """An EBML header with doctype "webm"; audio or video by the track types it lists."""
    fp.seek(0)
    element_id, body, header_size = _ebml_element(fp)
    if element_id != EBML_ID or header_size is None or header_size > HEAD_BYTES:
        raise Damaged
    header = read_exactly(fp, header_size)
    doctypes = [value for found, value in _ebml_children(header) if found == DOCTYPE_ID]
    if not doctypes or doctypes[0].rstrip(b"\x00") != b"webm":
        raise NotAccepted  # Matroska (.mkv) and others: browsers do not all play them
    fp.seek(body + header_size)
    segment_id, segment_body, segment_size = _ebml_element(fp)
    if segment_id != SEGMENT_ID:
        raise Damaged
    segment_end = size if segment_size is None else min(size, segment_body + segment_size)
    types = _webm_track_types(fp, segment_body, segment_end)
    if VIDEO_TRACK in types:
        return WEBM_VIDEO
    if AUDIO_TRACK in types:
        return WEBM_AUDIO
    raise NotAccepted


def _webm_track_types(fp: IO[bytes], position: int, end: int) -> set[int]:
    """The track types listed in the segment's Tracks element (which precedes any Cluster)."""
    for _count in range(MAX_BOXES):
        if position >= end:
            break
        fp.seek(position)
        element_id, body, element_size = _ebml_element(fp)
        if element_id == CLUSTER_ID or element_size is None:
            break
        if element_id == TRACKS_ID:
            if element_size > MAX_INDEX_BYTES or body + element_size > end:
                raise Damaged
            tracks = read_exactly(fp, element_size)
            return {
                int.from_bytes(value, "big")
                for entry_id, entry in _ebml_children(tracks)
                if entry_id == TRACK_ENTRY_ID
                for field_id, value in _ebml_children(entry)
                if field_id == TRACK_TYPE_ID
            }
        position = body + element_size
    raise Damaged  # no track list before the media data


def _ebml_element(fp: IO[bytes]) -> tuple[int, int, int | None]:
    """Read an element header at the read position: (id, body position, size).

    The size is None when the writer left it "unknown" (all its bits set), as browsers'
    recorders do for the segment and its clusters while recording.
    """
    element_id, _length = _ebml_vint(fp, keep_marker=True)
    element_size, length = _ebml_vint(fp, keep_marker=False)
    unknown = element_size == (1 << (7 * length)) - 1
    return element_id, fp.tell(), None if unknown else element_size


def _ebml_children(data: bytes) -> Iterator[tuple[int, bytes]]:
    """The (id, body) of each child element in ``data``, an element's body of known size."""
    stream = io.BytesIO(data)
    while stream.tell() < len(data):
        element_id, body, element_size = _ebml_element(stream)
        if element_size is None or body + element_size > len(data):
            raise Damaged
        yield element_id, read_exactly(stream, element_size)


def _ebml_vint(fp: IO[bytes], *, keep_marker: bool) -> tuple[int, int]:
    """An EBML variable-length integer and its length in bytes (1 to 8).

    Element ids keep their length marker bit (ids are written that way in the spec); sizes
    drop it.
    """
    first = read_exactly(fp, 1)[0]
    if first == 0:
        raise Damaged
    length = 9 - first.bit_length()
    value = first if keep_marker else first & ((1 << (8 - length)) - 1)
    for byte in read_exactly(fp, length - 1):
        value = (value << 8) | byte
    return value, length
