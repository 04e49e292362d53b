"""What an upload's name and declared type say it is, to hold against what its content is (R9).

The content decides what a file is (``media.formats``, ``media.probe``); the name and the type
the browser sent only *claim* something. When the claim is of another kind than the content (a
PDF named ``.mp4``, a photo named ``.pdf``, a recording sent as ``image/jpeg``), the author most
likely chose the wrong file, or the file was disguised: it is refused, never stored as what it
really is. Within a kind the claim is not held against the file: a PNG saved as ``.jpg``, an
M4A named ``.mp4``, or sound alone in a ``.mov`` are common and harmless, and whether a
recording is a video or a sound is decided by its streams.

A name with no extension, or one not in the table below, claims nothing; so do the types
browsers send when they do not know (``application/octet-stream``, or none) and every type that
is not a photo, a recording or a PDF (Django's own default for a file is ``text/plain``).
"""

from __future__ import annotations

from pathlib import PurePath

PHOTO = "photo"
RECORDING = "recording"
DOCUMENT = "document"
OTHER = "other"

EXTENSIONS = {
    **dict.fromkeys(
        ("jpg", "jpeg", "jpe", "jfif", "png", "webp", "heic", "heif", "gif", "bmp", "tif",
         "tiff", "svg", "avif"),
        PHOTO,
    ),
    **dict.fromkeys(
        ("mp4", "m4v", "mov", "qt", "m4a", "mp3", "wav", "wave", "ogg", "oga", "ogv", "opus",
         "webm", "mkv", "mka", "aac", "3gp", "3g2", "caf", "amr", "flac", "avi", "wmv", "wma"),
        RECORDING,
    ),
    "pdf": DOCUMENT,
    **dict.fromkeys(
        ("txt", "rtf", "doc", "docx", "odt", "xls", "xlsx", "ods", "csv", "ppt", "pptx", "odp",
         "htm", "html", "xml", "json", "js", "zip", "rar", "7z", "exe", "msi", "apk", "bat",
         "sh"),
        OTHER,
    ),
}  # fmt: skip
TYPES = {
    "image": PHOTO,
    "audio": RECORDING,
    "video": RECORDING,
    "application/pdf": DOCUMENT,
    "application/x-pdf": DOCUMENT,
    "application/mp4": RECORDING,
    "application/ogg": RECORDING,
}


def claimed_kinds(name: str, content_type: str | None) -> set[str]:
    """The kinds (``PHOTO``, ``RECORDING``, ``DOCUMENT``, ``OTHER``) that the file's name and
    declared type claim; empty when they claim nothing."""
    claims = set()
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension in EXTENSIONS:
        claims.add(EXTENSIONS[extension])
    declared = (content_type or "").split(";")[0].strip().lower()
    found = TYPES.get(declared) or TYPES.get(declared.split("/")[0])
    if found:
        claims.add(found)
    return claims


def contradicts(kind: str, name: str, content_type: str | None) -> bool:
    """Whether the name or declared type claims another kind than ``kind``, the content's
    (``PHOTO``, ``RECORDING`` for a video or a sound, or ``DOCUMENT``)."""
    return bool(claimed_kinds(name, content_type) - {kind})
