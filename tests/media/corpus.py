"""The recordings and documents the media tests use, built here with ffmpeg and pikepdf (R36).

Nothing is downloaded, nothing comes from a real person: each file is drawn from ffmpeg's test
patterns and tones, with the metadata a phone or a school PC would write (a title, a location,
an author) so that the tests can show it is gone. Files are small and short (a few seconds at
160×120) except where the length is the point; each is made once per test process.
"""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pikepdf

from tests.requirements import require_or_skip

FOLDER = Path(tempfile.mkdtemp(prefix="media-corpus-"))
atexit.register(shutil.rmtree, FOLDER, True)

LOCATION = "+51.5074-000.1278/"
NAME = "Amir Khan"  # the full name of a child that must never reach a parent (R6)
QUIET = ("-v", "error", "-nostdin", "-y")


def _ffmpeg(name: str, *arguments: str) -> Path:
    require_or_skip(
        shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None,
        "needs Debian's ffmpeg (apt-get install ffmpeg)",
    )
    path = FOLDER / name
    subprocess.run(["ffmpeg", *QUIET, *arguments, str(path)], check=True, capture_output=True)
    return path


def _picture(size: str = "160x120", rate: int = 10) -> tuple[str, ...]:
    return ("-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}")


def _tone(rate: int = 22050) -> tuple[str, ...]:
    return ("-f", "lavfi", "-i", f"sine=frequency=440:sample_rate={rate}")


@functools.cache
def hevc_mov() -> Path:
    """An iPhone-like HEVC video in a QuickTime .mov, with a title and its location (the
    ``©xyz`` atom and Apple's ISO 6709 key)."""
    return _ffmpeg(
        "iphone.mov",
        *_picture(),
        *_tone(),
        *("-t", "2", "-c:v", "libx265", "-x265-params", "log-level=error", "-tag:v", "hvc1"),
        *("-c:a", "aac", "-movflags", "use_metadata_tags"),
        *("-metadata", f"title={NAME}", "-metadata", f"location={LOCATION}"),
        *("-metadata", f"com.apple.quicktime.location.ISO6709={LOCATION}"),
        *("-metadata", "com.apple.quicktime.model=iPhone 15"),
    )


@functools.cache
def mp4_with_location() -> Path:
    """An H.264 MP4 with a ``©xyz`` location and a title."""
    return _ffmpeg(
        "android.mp4",
        *_picture(),
        *_tone(),
        *("-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"),
        *("-metadata", f"title={NAME}", "-metadata", f"location={LOCATION}"),
    )


@functools.cache
def mp3_with_id3() -> Path:
    """An MP3 whose ID3 tags name the child."""
    return _ffmpeg(
        "song.mp3",
        *_tone(),
        *("-t", "2", "-c:a", "libmp3lame", "-id3v2_version", "3"),
        *("-metadata", f"title={NAME} sings", "-metadata", f"artist={NAME}"),
    )


@functools.cache
def wav() -> Path:
    return _ffmpeg("reading.wav", *_tone(16000), "-t", "2", "-c:a", "pcm_s16le")


@functools.cache
def long_video() -> Path:
    """Four minutes: longer than the school's default limit of three (a tiny picture, one
    frame a second, so it is quick to make)."""
    return _ffmpeg(
        "long.mp4",
        *_picture("64x48", 1),
        *("-t", "240", "-c:v", "libx264", "-preset", "ultrafast"),
    )


@functools.cache
def two_hour_video() -> Path:
    """Two hours of a 16×16 black picture, one frame a second: a small file, a long film."""
    return _ffmpeg(
        "two-hours.mp4",
        *("-f", "lavfi", "-i", "color=black:size=16x16:rate=1"),
        *("-t", "7200", "-c:v", "libx264", "-preset", "ultrafast", "-g", "600"),
    )


@functools.cache
def portrait_video() -> Path:
    """Ten seconds held upright, as a phone stores it: 320×180 pixels and a display matrix
    that turns them a quarter, so it is shown 180 wide and 320 high."""
    landscape = _ffmpeg(
        "portrait-source.mp4",
        *_picture("320x180", 5),
        *_tone(),
        *("-t", "10", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"),
    )
    turn = ("-c", "copy", "-metadata:s:v:0", "rotate=90")
    return _ffmpeg("portrait.mp4", "-i", str(landscape), *turn)


@functools.cache
def large_video() -> Path:
    """1920×1080: larger than the longest edge a stored copy may have."""
    return _ffmpeg(
        "large.mp4",
        *_picture("1920x1080", 5),
        *("-t", "1", "-c:v", "libx264", "-preset", "ultrafast"),
    )


@functools.cache
def truncated_mp4() -> Path:
    """A recording cut short: the first half of a phone's MP4, its index (at the end) lost."""
    whole = mp4_with_location().read_bytes()
    path = FOLDER / "cut.mp4"
    path.write_bytes(whole[: len(whole) // 2])
    return path


@functools.cache
def truncated_faststart_mp4() -> Path:
    """Cut short after its index: the index is whole, the pictures it names are not."""
    whole = _ffmpeg(
        "faststart.mp4",
        *_picture(),
        *("-t", "3", "-c:v", "libx264", "-preset", "ultrafast", "-movflags", "+faststart"),
    ).read_bytes()
    path = FOLDER / "cut-faststart.mp4"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    return path


@functools.cache
def mp4_without_streams() -> Path:
    """An MP4 with nothing to see or hear: a subtitle track alone."""
    subtitles = FOLDER / "words.srt"
    subtitles.write_text("1\n00:00:00,000 --> 00:00:01,000\nHello\n")
    return _ffmpeg("words.mp4", "-i", str(subtitles), "-c:s", "mov_text")


@functools.cache
def still_mp4() -> Path:
    """A "video" that is one still picture (a PNG frame in an MP4)."""
    return _ffmpeg(
        "still.mp4", "-f", "lavfi", "-i", "color=red:size=64x64", "-frames:v", "1", "-c:v", "png"
    )


@functools.cache
def mp3_with_cover() -> Path:
    """Sound with a cover picture: ffprobe lists a video stream, marked as an attached picture."""
    cover = _ffmpeg("cover.png", "-f", "lavfi", "-i", "color=blue:size=64x64", "-frames:v", "1")
    return _ffmpeg(
        "cover.mp3",
        *_tone(),
        *("-i", str(cover), "-map", "0:a", "-map", "1:v", "-t", "2"),
        *("-c:a", "libmp3lame", "-c:v", "png", "-disposition:v", "attached_pic"),
        *("-id3v2_version", "3"),
    )


def ffprobe(path: Path) -> dict[str, Any]:
    """ffprobe's report on a file: its container, streams and every tag."""
    done = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            "-show_chapters",
            str(path),
        ],
        check=True,
        capture_output=True,
    )
    report: dict[str, Any] = json.loads(done.stdout)
    return report


# Documents ------------------------------------------------------------------------------------


def _pdf_with_page() -> pikepdf.Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    return pdf


@functools.cache
def pdf_with_everything() -> Path:
    """A child's work saved on a school PC: an author and a title, XMP naming the child, a
    file attached, JavaScript run on opening, a form field that submits elsewhere, and links
    to another host and within the document."""
    pdf = _pdf_with_page()
    pdf.docinfo["/Author"] = NAME
    pdf.docinfo["/Title"] = f"{NAME}'s fractions"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
        xmp["dc:creator"] = [NAME]
        xmp["dc:title"] = f"{NAME}'s fractions"
    attached = pikepdf.AttachedFileSpec(
        pdf,
        b"Amir's marks: 7/10",
        description="marks",
        filename="marks.txt",
        mime_type="text/plain",
        creation_date="",
        mod_date="",
    )
    pdf.attachments["marks.txt"] = attached
    script = pdf.make_stream(b"app.alert('hello');")
    javascript = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=script)
    pdf.Root.OpenAction = javascript
    names = pdf.Root.Names
    names.JavaScript = pikepdf.Dictionary(Names=pikepdf.Array(["hello", javascript]))
    page = pdf.pages[0]
    page.obj.AA = pikepdf.Dictionary(O=javascript)
    outside = pikepdf.Dictionary(
        S=pikepdf.Name.URI, URI=pikepdf.String("https://tracker.example/")
    )
    inside = pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=pikepdf.Array([page.obj, pikepdf.Name.Fit]))
    submit = pikepdf.Dictionary(S=pikepdf.Name.SubmitForm, F=pikepdf.String("https://x.example/"))
    field = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Widget,
            FT=pikepdf.Name.Btn,
            T=pikepdf.String("send"),
            Rect=pikepdf.Array([10, 10, 60, 30]),
            A=submit,
        )
    )
    page.obj.Annots = pdf.make_indirect(
        pikepdf.Array(
            [
                _link(pdf, outside, 100),
                _link(pdf, inside, 200),
                field,
            ]
        )
    )
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([field]))
    path = FOLDER / "fractions.pdf"
    pdf.save(path)
    return path


def _link(pdf: pikepdf.Pdf, action: pikepdf.Dictionary, x: int) -> pikepdf.Object:
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=pikepdf.Array([x, 100, x + 50, 120]),
            A=action,
        )
    )


@functools.cache
def encrypted_pdf() -> Path:
    path = FOLDER / "locked.pdf"
    _pdf_with_page().save(path, encryption=pikepdf.Encryption(owner="owner", user="secret"))
    return path


@functools.cache
def encrypted_pdf_without_password() -> Path:
    """Encrypted, but opening needs no password (only editing does): still encrypted."""
    path = FOLDER / "owner-locked.pdf"
    _pdf_with_page().save(path, encryption=pikepdf.Encryption(owner="owner", user=""))
    return path


@functools.cache
def plain_pdf(pages: int = 1) -> Path:
    pdf = pikepdf.new()
    for _page in range(pages):
        pdf.add_blank_page()
    path = FOLDER / f"plain-{pages}.pdf"
    pdf.save(path)
    return path
