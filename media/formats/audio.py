"""Audio files with a signature of their own: WAV, Ogg (Opus, Vorbis) and MP3."""

from __future__ import annotations

import struct
from typing import IO

from .common import MP3, OGG, WAV, Damaged, Format, NotAccepted, read_exactly


def wav(fp: IO[bytes], size: int) -> Format:
    """RIFF WAVE with a PCM or float ``fmt `` chunk and a ``data`` chunk."""
    position, seen_format = 12, False
    for _count in range(64):
        if position + 8 > size:
            break
        fp.seek(position)
        chunk_id, chunk_size = struct.unpack("<4sI", read_exactly(fp, 8))
        if chunk_id == b"fmt ":
            (format_tag,) = struct.unpack("<H", read_exactly(fp, 2))
            if format_tag not in (1, 3, 0xFFFE):  # PCM, IEEE float, extensible
                raise NotAccepted
            seen_format = True
        elif chunk_id == b"data":
            if not seen_format:
                raise Damaged
            return WAV
        position += 8 + chunk_size + (chunk_size & 1)
    raise Damaged


def ogg(head: bytes) -> Format:
    """An Ogg page whose first packet opens an Opus or Vorbis stream."""
    if len(head) < 28 or head[4] != 0:
        raise Damaged
    first_packet = head[27 + head[26] :]
    if first_packet.startswith((b"OpusHead", b"\x01vorbis")):
        return OGG
    raise NotAccepted  # Theora video, FLAC or Speex in Ogg: not on the list


MPEG1_BITRATES = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
MPEG2_BITRATES = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def mp3(fp: IO[bytes], head: bytes, size: int) -> Format | None:
    """MP3: an ID3v2 tag then MPEG audio frames, or frames from the first byte.

    A frame header alone is four bytes that other files can start with, so where the file
    is long enough, the next frame must start exactly where the first one says it ends.
    """
    start = 0
    if head.startswith(b"ID3"):
        if len(head) < 10 or any(byte & 0x80 for byte in head[6:10]):
            raise Damaged
        # The tag's size is "syncsafe": four bytes of seven bits each.
        tag_size = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]
        start = 10 + tag_size + (10 if head[5] & 0x10 else 0)  # footer flag
    if _mpeg_frames_at(fp, start, size):
        return MP3
    if start:
        raise Damaged  # a tag with no audio after it
    return None


def _mpeg_frames_at(fp: IO[bytes], position: int, size: int) -> bool:
    """Whether a valid MPEG audio layer III frame starts at ``position`` (and the next one
    starts where it ends, when the file goes on that far)."""
    fp.seek(position)
    length = _mpeg_frame_length(fp.read(4))
    if length is None:
        return False
    following = position + length
    if following + 4 > size:
        return True
    fp.seek(following)
    return _mpeg_frame_length(fp.read(4)) is not None


def _mpeg_frame_length(header: bytes) -> int | None:
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version = (header[1] >> 3) & 3  # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5, 1: reserved
    layer = (header[1] >> 1) & 3  # 1: layer III
    bitrate_index, rate_index = header[2] >> 4, (header[2] >> 2) & 3
    if version == 1 or layer != 1 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    padding = (header[2] >> 1) & 1
    sample_rate = SAMPLE_RATES[version][rate_index]
    if version == 3:
        return 144_000 * MPEG1_BITRATES[bitrate_index] // sample_rate + padding
    return 72_000 * MPEG2_BITRATES[bitrate_index] // sample_rate + padding
