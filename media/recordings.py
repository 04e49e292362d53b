"""Recordings transcoded into what every phone plays, with no metadata (R36).

A phone's video carries its location and device (the QuickTime/MP4 ``©xyz`` and ``udta``
atoms, Apple's location keys), an MP3 its ID3 tags, and an iPhone's HEVC in a .mov does not
play in Chrome on most Android phones and Windows PCs. So no recording is ever served as
uploaded: the worker makes a new file from its pictures and sound alone.

- **Video**: H.264 High, yuv420p, with AAC sound, in MP4 with ``+faststart`` (the index first,
  so playing starts before the whole file has arrived). The orientation is applied (ffmpeg
  turns the pictures as the display matrix says, and the copy has none), the longest edge is at
  most ``VIDEO_LONG_EDGE`` (never enlarged), the length at most the caller's limit. Only the
  first picture and sound streams are kept: no chapters, subtitles, data streams (a phone's
  timed location track) or cover pictures, ``-map_metadata -1`` and ``bitexact`` flags (no
  creation time, no muxer's name), and x264's SEI (its settings) is removed. The encoded
  pictures and sound are then copied, untouched, into the stored file by a second pass that
  writes no tag at all: the first pass's muxer would name the encoder in the video's sample
  entry (``Lavc libx264``), which ffmpeg writes for every stream it encodes itself. Both passes
  write empty handler names (``-empty_hdlr_name``: not ``VideoHandler``/``SoundHandler``). What
  ffprobe still shows of a stored copy is what every MP4 has: its brand (``isom``), and for each
  track the "undetermined" language (``und``) and a vendor field of zeros.
  A poster frame is taken from the copy and re-encoded by Pillow as a WebP without metadata.
- **Sound**: AAC in an M4A (MP4) with no metadata and the same length cap. AAC in MP4 rather
  than Opus in WebM: Safari on older iPhones plays only the first, and it is what the video
  copies use too, so one decoder serves both.

``-preset veryfast``: a one-minute 1080p phone video costs about half its length of one
core's time (``docs/benchmarks.md``). Each transcode runs ffmpeg on **one thread**
(``-threads 1``), so a worker running one transcode at a time takes one core, and the rest of
the server (messages, notifications) is not starved: the worker's media queue runs with a
concurrency of at most the number of cores less one
(``docs/architecture.md``).

This module imports no app. It raises ``TranscodeError`` when ffmpeg fails or takes too long;
nothing it wrote is left (its output is in a folder the caller removes).
"""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from .probe import DEMUXERS, tool

VIDEO_LONG_EDGE = 1280
POSTER_LONG_EDGE = 640
VIDEO_CRF = 23
AUDIO_BITRATE = "128k"
POSTER_QUALITY = 80
# A transcode taking longer than this many times the recording's length (plus a minute) is
# stopped: a file that makes ffmpeg crawl is refused, not left to hold a core.
TIME_FACTOR = 6
# Scaled so that the longest edge is at most VIDEO_LONG_EDGE, never enlarged, each side even
# (yuv420p needs it).
_FACTOR = f"min(1,{VIDEO_LONG_EDGE}/max(iw,ih))"
SCALE = f"scale=w='trunc({_FACTOR}*iw/2)*2':h='trunc({_FACTOR}*ih/2)*2',setsar=1,format=yuv420p"
NO_METADATA = (
    *("-map_metadata", "-1", "-map_chapters", "-1", "-dn", "-sn"),
    *("-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"),
    "-empty_hdlr_name",
    "1",
)


class TranscodeError(Exception):
    """ffmpeg could not make the copy (a file it cannot decode, or too slow)."""


@dataclass(frozen=True)
class Transcoded:
    """The copy made, in the caller's folder, with its poster when it is a video."""

    path: Path
    content_type: str
    extension: str
    width: int | None = None
    height: int | None = None
    poster: bytes = b""
    poster_width: int | None = None
    poster_height: int | None = None


def transcode_video(source: Path, folder: Path, *, max_seconds: float) -> Transcoded:
    """An H.264/AAC MP4 of the video at ``source`` in ``folder``, and its WebP poster."""
    encoded, output = folder / "encoded.mp4", folder / "video.mp4"
    _run(
        [
            *_input(source),
            *("-map", "0:v:0", "-map", "0:a:0?", "-t", f"{max_seconds:.3f}"),
            *("-vf", SCALE, "-c:v", "libx264", "-profile:v", "high", "-pix_fmt", "yuv420p"),
            *("-preset", "veryfast", "-crf", str(VIDEO_CRF), "-threads", "1"),
            *("-bsf:v", "filter_units=remove_types=6"),  # x264's SEI: its settings as text
            *("-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ac", "2"),
            *NO_METADATA,
            *("-f", "mp4", str(encoded)),
        ],
        max_seconds,
    )
    _run(  # the same packets, in a file whose tracks name no encoder
        [
            tool("ffmpeg"),
            *("-v", "error", "-nostdin", "-y", "-i", str(encoded), "-map", "0", "-c", "copy"),
            *NO_METADATA,
            *("-movflags", "+faststart", "-f", "mp4", str(output)),
        ],
        max_seconds,
    )
    encoded.unlink()
    width, height = _picture_size(output)
    poster = _poster(output, folder)
    with Image.open(io.BytesIO(poster)) as image:
        poster_width, poster_height = image.size
    return Transcoded(
        output, "video/mp4", ".mp4", width, height, poster, poster_width, poster_height
    )


def transcode_audio(source: Path, folder: Path, *, max_seconds: float) -> Transcoded:
    """An AAC M4A of the sound at ``source`` in ``folder``."""
    output = folder / "sound.m4a"
    _run(
        [
            *_input(source),
            *("-map", "0:a:0", "-vn", "-t", f"{max_seconds:.3f}", "-threads", "1"),
            *("-c:a", "aac", "-b:a", AUDIO_BITRATE),
            *NO_METADATA,
            *("-movflags", "+faststart", "-f", "mp4", str(output)),
        ],
        max_seconds,
    )
    return Transcoded(output, "audio/mp4", ".m4a")


def _input(source: Path) -> list[str]:
    return [
        tool("ffmpeg"),
        *("-v", "error", "-nostdin", "-y", "-xerror", "-threads", "1"),
        *("-protocol_whitelist", "file", "-format_whitelist", DEMUXERS),
        *("-i", str(source)),
        *("-filter_threads", "1"),
    ]


def _run(command: list[str], max_seconds: float) -> None:
    try:
        done = subprocess.run(  # noqa: S603 - fixed arguments, the paths are ours
            command,
            capture_output=True,
            timeout=60 + TIME_FACTOR * max_seconds,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise TranscodeError("ffmpeg took too long") from error
    if done.returncode != 0:
        raise TranscodeError(done.stderr.decode(errors="replace")[-500:])


def _picture_size(path: Path) -> tuple[int, int]:
    done = subprocess.run(  # noqa: S603 - fixed arguments, the path is ours
        [
            tool("ffprobe"),
            *("-v", "error", "-select_streams", "v:0"),
            *("-show_entries", "stream=width,height", "-of", "csv=p=0:s=x", str(path)),
        ],
        capture_output=True,
        timeout=30,
        check=False,
    )
    try:
        width, height = (int(side) for side in done.stdout.decode().strip().split("x"))
    except ValueError as error:
        raise TranscodeError("the copy has no picture") from error
    return width, height


def _poster(video: Path, folder: Path) -> bytes:
    """A frame from the copy (a second in, or its first for a shorter one), re-encoded by
    Pillow as a WebP: Pillow writes no metadata unless asked."""
    frame = folder / "poster.png"
    for start in ("1", "0"):
        _run(
            [
                tool("ffmpeg"),
                *("-v", "error", "-nostdin", "-y", "-ss", start, "-i", str(video)),
                *("-frames:v", "1", "-map_metadata", "-1", "-threads", "1", str(frame)),
            ],
            10,
        )
        if frame.exists() and frame.stat().st_size:
            break
    else:
        raise TranscodeError("no frame for the poster")
    with Image.open(frame, formats=["PNG"]) as image:
        picture = image.convert("RGB")
    picture.thumbnail((POSTER_LONG_EDGE, POSTER_LONG_EDGE), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    picture.save(output, format="WEBP", quality=POSTER_QUALITY)
    return output.getvalue()
