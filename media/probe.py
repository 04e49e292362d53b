"""What a recording really holds, as ffprobe reads it (R9, R36).

``probe`` runs Debian's ``ffprobe`` on a file on disk, with a timeout, JSON output, and two
allow-lists that ffmpeg itself enforces: the demuxers that may open the file (MP4/MOV/M4A,
WebM/Matroska, MP3, WAV, Ogg, ADTS AAC) and the one protocol they may read through (``file``;
never a playlist that names another file or a URL). Its stream list decides the kind:

- a video stream that moves (not a cover picture, not a still image codec, more than one frame)
  makes a **video**;
- otherwise an audio stream makes a **sound-only recording** (an MP3 with its album cover too);
- otherwise (no streams, subtitles or data only, a lone still picture) it is not accepted.

Then every packet is read once without decoding (``ffmpeg -c copy -f null``, a fraction of a
second for a classroom recording), so a copy cut short is refused now, at upload, and not
later in the worker. A file ffprobe cannot open at all is ``Damaged`` when its first bytes are
those of a container on the list (a recording that was never finished) and ``NotAccepted``
otherwise.

This module imports no app: the caller gives the duration limit.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .formats import Damaged, FormatError, NotAccepted

PROBE_SECONDS = 30
# Reading every packet of a 50 MB recording takes well under a second; a file that takes
# longer than this is not one we want.
READ_THROUGH_SECONDS = 60
# ffmpeg's demuxer names (as ffprobe's ``format_name`` gives them).
DEMUXERS = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,mp3,wav,ogg,aac"
# Codecs that make a picture, not a moving image: a "video" of one of these is a still.
STILL_CODECS = {"mjpeg", "png", "bmp", "gif", "webp", "tiff", "jpeg2000", "jpegls"}
# First bytes of the containers on the list: a file that starts so but cannot be read is damaged.
CONTAINER_SIGNATURES = (b"\x1a\x45\xdf\xa3", b"OggS", b"ID3", b"RIFF")


class TooLong(FormatError):
    """A recording longer than the caller allows."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


class ToolMissing(RuntimeError):
    """ffprobe or ffmpeg is not installed: the server cannot accept recordings."""


@dataclass(frozen=True)
class Probe:
    """A recording as ffprobe sees it: its kind, length and (for a video) its picture size as
    shown, after the rotation its display matrix asks for."""

    kind: str  # "video" or "audio"
    container: str  # "mp4", "mov", "webm", "mp3", "wav", "ogg" or "aac"
    duration: float
    width: int | None = None
    height: int | None = None
    has_audio: bool = True

    @property
    def content_type(self) -> str:
        if self.kind == "video":
            videos = {"mov": "video/quicktime", "webm": "video/webm"}
            return videos.get(self.container, "video/mp4")
        return {
            "mp4": "audio/mp4",
            "webm": "audio/webm",
            "mp3": "audio/mpeg",
            "wav": "audio/wav",
            "ogg": "audio/ogg",
            "aac": "audio/aac",
        }[self.container]

    @property
    def extension(self) -> str:
        if self.container == "mp4":
            return ".mp4" if self.kind == "video" else ".m4a"
        return f".{self.container}"


def tool(name: str) -> str:
    """The path of ``ffprobe`` or ``ffmpeg``; ``ToolMissing`` when it is not installed."""
    found = shutil.which(name)
    if found is None:
        raise ToolMissing(name)
    return found


def probe(path: Path, *, max_seconds: float | None = None) -> Probe:
    """Say what the recording at ``path`` is, or raise ``NotAccepted``, ``Damaged`` or
    ``TooLong`` (longer than ``max_seconds``)."""
    report = _ffprobe(path)
    streams = report.get("streams") or []
    moving = [s for s in streams if s.get("codec_type") == "video" and not _still(s)]
    sound = [s for s in streams if s.get("codec_type") == "audio"]
    if not moving and not sound:
        raise NotAccepted  # nothing to play: no streams, subtitles or data only, a still
    duration = _duration(report)
    if max_seconds is not None and duration > max_seconds:
        raise TooLong(duration)
    _read_through(path)
    container = _container(report)
    if not moving:
        return Probe("audio", container, duration)
    width, height = _shown_size(moving[0])
    return Probe("video", container, duration, width, height, has_audio=bool(sound))


def _ffprobe(path: Path) -> dict[str, Any]:
    command = [
        tool("ffprobe"),
        *("-v", "error", "-hide_banner"),
        *("-protocol_whitelist", "file", "-format_whitelist", DEMUXERS),
        *("-print_format", "json", "-show_format", "-show_streams"),
        str(path),
    ]
    try:
        done = subprocess.run(  # noqa: S603 - fixed arguments, the path is ours
            command, capture_output=True, timeout=PROBE_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        raise NotAccepted from None
    if done.returncode != 0:
        raise Damaged if _starts_as_container(path) else NotAccepted
    try:
        report = json.loads(done.stdout)
    except ValueError:
        raise NotAccepted from None
    if not isinstance(report, dict) or "format" not in report:
        raise NotAccepted
    return report


def _starts_as_container(path: Path) -> bool:
    with path.open("rb") as file:
        head = file.read(12)
    return head[4:8] == b"ftyp" or head.startswith(CONTAINER_SIGNATURES)


def _still(stream: dict[str, Any]) -> bool:
    attached = (stream.get("disposition") or {}).get("attached_pic") == 1
    one_frame = str(stream.get("nb_frames", "")) in ("0", "1")
    return attached or one_frame or stream.get("codec_name") in STILL_CODECS


def _duration(report: dict[str, Any]) -> float:
    try:
        duration = float(report["format"].get("duration", "nan"))
    except (TypeError, ValueError):
        duration = math.nan
    if not math.isfinite(duration) or duration <= 0:
        raise Damaged  # no length: not a recording a browser can play
    return duration


def _read_through(path: Path) -> None:
    """Read every packet (no decoding); any error means the file is damaged or cut short."""
    command = [
        tool("ffmpeg"),
        *("-v", "error", "-nostdin", "-xerror"),
        *("-protocol_whitelist", "file", "-format_whitelist", DEMUXERS),
        *("-i", str(path), "-map", "0", "-c", "copy", "-f", "null", "-"),
    ]
    try:
        done = subprocess.run(  # noqa: S603 - fixed arguments, the path is ours
            command, capture_output=True, timeout=READ_THROUGH_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        raise NotAccepted from None
    if done.returncode != 0 or done.stderr.strip():
        raise Damaged


def _container(report: dict[str, Any]) -> str:
    names = str(report["format"].get("format_name", "")).split(",")
    if "mov" in names:
        brand = (report["format"].get("tags") or {}).get("major_brand", "")
        return "mov" if brand.strip() == "qt" else "mp4"
    if "matroska" in names or "webm" in names:
        return "webm"
    for name in ("mp3", "wav", "ogg", "aac"):
        if name in names:
            return name
    raise NotAccepted


def _shown_size(stream: dict[str, Any]) -> tuple[int, int]:
    width, height = int(stream.get("width") or 0), int(stream.get("height") or 0)
    if not width or not height:
        raise Damaged
    rotation = 0
    for side_data in stream.get("side_data_list") or []:
        if "rotation" in side_data:
            rotation = int(side_data["rotation"])
    if rotation % 180:
        return height, width
    return width, height
