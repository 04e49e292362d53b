"""Checking what an uploaded file really is, before anything is stored (R9).

``check_upload`` decides a file's kind from its content, never from its name or the content
type the browser sent: photos and PDFs by their signature (``media.formats``), recordings by
the streams ffprobe finds in them (``media.probe``: a moving picture makes a video, sound alone
a recording); PDFs are then opened by pikepdf (``media.documents``). It refuses, with one
clear, translated message naming the file, anything not on the allow-list, too large, empty,
damaged or cut short; photos with more pixels than ``STORIES_MAX_PIXELS`` (decompression
bombs); encrypted PDFs and PDFs of more than 100 pages; and recordings longer than the caller
allows (the school's setting, for a post's). A file whose name or declared type says it is of
another kind than its content (a PDF named ``.mp4``, a recording named ``.jpg``) is refused too,
with a message saying what it really is (``media.naming``): it is never stored as what it turned
out to be. Every upload goes through it: posts' attachments, messages' photos
(``messaging.photos``) and consent scans (``media.scans``, with limits of their own).

Photos are opened by Pillow restricted to the one decoder their signature names, their size
checked from the header before any pixel is decoded, and then decoded once, so a truncated
photo is refused here, at upload time, not later in the worker. ``check_uploads`` adds the
limits of a post (and of a message): how many files and how many bytes in all. The limits are
the ``STORIES_MAX_*`` settings, named for the posts they were first made for.

These are pure checks: nothing is written. Each leaves the file's read position at the start.
"""

from __future__ import annotations

import math
import struct
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from PIL import Image, UnidentifiedImageError

from . import documents, formats, naming, probe
from .tempfiles import local_copy

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

NOT_ACCEPTED = _("“%(name)s” is not a photo, recording or PDF we can accept.")
UNSUPPORTED_PICTURE = _(
    "“%(name)s” is a picture in a format we cannot accept: please save it as a JPEG or PNG "
    "and add it again."
)
DAMAGED = _(
    "“%(name)s” is damaged or incomplete: please save or export it again and add it again."
)
EMPTY = _("“%(name)s” is empty.")
TOO_LARGE = _("“%(name)s” is too large (%(size)s): a file of this kind can be at most %(limit)s.")
TOO_LONG = _(
    "“%(name)s” is %(length)s long: a recording can be at most %(limit)s. Please shorten it "
    "and add it again."
)
RECORDINGS_UNAVAILABLE = _(
    "“%(name)s” cannot be accepted: this server cannot read recordings at the moment. "
    "Please tell the school office."
)
ENCRYPTED = _(
    "“%(name)s” is protected with a password: please save it without protection and add it again."
)
TOO_MANY_PAGES = _(
    "“%(name)s” has %(pages)s pages: a work sample can have at most %(limit)s. Please add the "
    "pages that show the work."
)
TOO_MANY_PIXELS = _(
    "“%(name)s” has too many pixels: a photo can have at most %(limit)s million pixels."
)
TOO_MANY_FILES = ngettext_lazy(
    "A post can have at most %(limit)s attachment: %(count)s were added.",
    "A post can have at most %(limit)s attachments: %(count)s were added.",
    "limit",
)
# A file that is not what its name or type says: each message says what it really is.
REALLY_A_PHOTO = _(
    "“%(name)s” is really a photo, not what its name says. Please check that it is the file "
    "you meant, and add it again with a name that matches it."
)
REALLY_A_RECORDING = _(
    "“%(name)s” is really a recording, not what its name says. Please check that it is the "
    "file you meant, and add it again with a name that matches it."
)
REALLY_A_PDF = _(
    "“%(name)s” is really a PDF, not what its name says. Please check that it is the file you "
    "meant, and add it again with a name that matches it."
)
POST_TOO_LARGE = _("These files add up to %(size)s: a post can carry at most %(limit)s.")


# A recording's longest length when the caller names none (a post's is the school's setting).
MAX_RECORDING_SECONDS = 180


class MediaKind(models.TextChoices):
    PHOTO = "photo", _("photo")
    AUDIO = "audio", _("audio recording")
    VIDEO = "video", _("video")
    DOCUMENT = "document", _("work sample (PDF)")


@dataclass(frozen=True)
class CheckedUpload:
    """What an accepted upload is.

    ``content_type`` and ``extension`` are those of the file as uploaded, read from its content
    (for a photo, the original's: what parents are shown is the re-encoded photo from
    ``media.photos.process_photo``). ``width`` and ``height`` are set for photos only, as
    stored (before the EXIF orientation is applied), and for videos as shown (after the
    rotation their display matrix asks for). ``duration`` is a recording's, in seconds.
    """

    kind: MediaKind
    content_type: str
    extension: str
    size: int
    width: int | None
    height: int | None
    duration: float | None = None


def check_uploads(
    uploads: Sequence[UploadedFile], *, max_seconds: float = MAX_RECORDING_SECONDS
) -> list[CheckedUpload]:
    """Check a post's attachments together: the count, the total size, then each file.

    Raises one ``ValidationError`` with a message for every file refused (so the author learns
    of all of them at once), or a single message when the count or the total is over the limit.
    Returns the checked uploads in the order given.
    """
    if len(uploads) > settings.STORIES_MAX_ATTACHMENTS:
        raise _refusal(
            TOO_MANY_FILES,
            "too_many_files",
            limit=settings.STORIES_MAX_ATTACHMENTS,
            count=len(uploads),
        )
    total = sum(upload_size(upload) for upload in uploads)
    if total > settings.STORIES_MAX_POST_BYTES:
        raise _refusal(
            POST_TOO_LARGE,
            "post_too_large",
            size=filesizeformat(total),
            limit=filesizeformat(settings.STORIES_MAX_POST_BYTES),
        )
    checked, refusals = [], []
    for upload in uploads:
        try:
            checked.append(check_upload(upload, max_seconds=max_seconds))
        except ValidationError as refusal:
            refusals.append(refusal)
    if refusals:
        raise ValidationError(refusals)
    return checked


def check_upload(
    upload: UploadedFile,
    *,
    limits: Mapping[MediaKind, int] | None = None,
    max_seconds: float = MAX_RECORDING_SECONDS,
) -> CheckedUpload:
    """Check one upload; raise ``ValidationError`` (one message naming it, with its code:
    ``empty``, ``not_accepted``, ``unsupported_picture``, ``damaged``, ``too_large``,
    ``too_many_pixels``, ``too_long``, ``unavailable``, ``encrypted``, ``too_many_pages`` or
    ``mismatch``: not what its name or declared type says) if refused.

    ``limits`` gives the largest size accepted for each kind, in bytes; a kind it leaves out is
    not accepted. By default they are an attachment's (``attachment_limits``). A recording
    may last at most ``max_seconds``; its size is checked before ffprobe runs.
    """
    name = upload.name or ""
    limits = attachment_limits() if limits is None else limits
    try:
        size = upload_size(upload)
        if size == 0:
            raise _refusal(EMPTY, "empty", name=name)
        try:
            found = formats.identify(upload, size)
        except formats.FormatError as problem:
            raise _format_refusal(problem, name) from None
        if found is None:
            return _check_recording(upload, size, limits, max_seconds, name)
        kind = MediaKind(found.kind)
        _check_claim(kind, upload, name)
        _check_size(kind, size, limits, name)
        width = height = None
        if kind == MediaKind.PHOTO:
            width, height = _check_photo(upload, found.pillow_format, name)
        else:
            _check_document(upload, name)
        return CheckedUpload(kind, found.content_type, found.extension, size, width, height)
    finally:
        upload.seek(0)


def _check_size(kind: MediaKind, size: int, limits: Mapping[MediaKind, int], name: str) -> None:
    if kind not in limits:
        raise _refusal(NOT_ACCEPTED, "not_accepted", name=name)
    if size > limits[kind]:
        raise _refusal(
            TOO_LARGE,
            "too_large",
            name=name,
            size=filesizeformat(size),
            limit=filesizeformat(limits[kind]),
        )


def _check_claim(kind: MediaKind, upload: UploadedFile, name: str) -> None:
    """Refuse a file whose name or declared type claims another kind than its content's."""
    group = {
        MediaKind.PHOTO: (naming.PHOTO, REALLY_A_PHOTO),
        MediaKind.AUDIO: (naming.RECORDING, REALLY_A_RECORDING),
        MediaKind.VIDEO: (naming.RECORDING, REALLY_A_RECORDING),
        MediaKind.DOCUMENT: (naming.DOCUMENT, REALLY_A_PDF),
    }
    content_kind, message = group[kind]
    if naming.contradicts(content_kind, name, getattr(upload, "content_type", None)):
        raise _refusal(message, "mismatch", name=name)


def _check_recording(
    upload: UploadedFile,
    size: int,
    limits: Mapping[MediaKind, int],
    max_seconds: float,
    name: str,
) -> CheckedUpload:
    """Ask ffprobe, after a size check that keeps a large file from being read at all when
    no recording of that size is accepted."""
    recording_limits = [
        limits[kind] for kind in (MediaKind.AUDIO, MediaKind.VIDEO) if kind in limits
    ]
    if not recording_limits:
        raise _refusal(NOT_ACCEPTED, "not_accepted", name=name)
    if size > max(recording_limits):
        raise _refusal(
            TOO_LARGE,
            "too_large",
            name=name,
            size=filesizeformat(size),
            limit=filesizeformat(max(recording_limits)),
        )
    try:
        with local_copy(upload) as path:
            found = probe.probe(path, max_seconds=max_seconds)
    except probe.TooLong as too_long:
        raise _refusal(
            TOO_LONG,
            "too_long",
            name=name,
            length=duration_text(too_long.seconds),
            limit=duration_text(max_seconds),
        ) from None
    except probe.ToolMissing:
        raise _refusal(RECORDINGS_UNAVAILABLE, "unavailable", name=name) from None
    except formats.FormatError as problem:
        raise _format_refusal(problem, name) from None
    kind = MediaKind(found.kind)
    _check_claim(kind, upload, name)
    _check_size(kind, size, limits, name)
    return CheckedUpload(
        kind, found.content_type, found.extension, size, found.width, found.height, found.duration
    )


def _check_document(upload: UploadedFile, name: str) -> None:
    """Open the PDF with pikepdf: an encrypted, broken or over-long one is refused now."""
    try:
        documents.check_pdf(upload)
    except documents.Encrypted:
        raise _refusal(ENCRYPTED, "encrypted", name=name) from None
    except documents.TooManyPages as too_many:
        raise _refusal(
            TOO_MANY_PAGES,
            "too_many_pages",
            name=name,
            pages=too_many.pages,
            limit=documents.MAX_PAGES,
        ) from None
    except formats.FormatError:
        raise _refusal(DAMAGED, "damaged", name=name) from None


def duration_text(seconds: float) -> str:
    """A length as people write it: ``3:00``, ``12:05``, ``1:02:03``."""
    whole = math.ceil(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def _check_photo(upload: UploadedFile, pillow_format: str, name: str) -> tuple[int, int]:
    """Open with the one allowed decoder, check the pixel count, then decode once.

    Pillow's own decompression-bomb warning is made an error here so that it, too, ends in
    our message rather than a log line (it only fires when ``STORIES_MAX_PIXELS`` is set
    above Pillow's limit). ``catch_warnings`` changes the process's filters for the moment:
    another thread meanwhile would see only this one warning turned into an error.
    """
    upload.seek(0)
    too_many_pixels = _refusal(
        TOO_MANY_PIXELS,
        "too_many_pixels",
        name=name,
        limit=f"{settings.STORIES_MAX_PIXELS / 1_000_000:g}",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[pillow_format]) as image:
                width, height = image.size
                if width * height > settings.STORIES_MAX_PIXELS:
                    raise too_many_pixels
                _decode(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error):
        # The signature said this kind of photo, but the decoder could not read it through.
        raise _refusal(DAMAGED, "damaged", name=name) from None
    return width, height


def _decode(image: Image.Image) -> None:
    """Decode every byte of the image once, so that a file cut short fails now.

    A JPEG is decoded at an eighth of its size: libjpeg still reads the whole stream (and so
    still notices a missing end), at a fraction of the cost.
    """
    if image.format in ("JPEG", "MPO"):
        width, height = image.size
        image.draft(None, (math.ceil(width / 8), math.ceil(height / 8)))
    image.load()


def upload_size(upload: UploadedFile) -> int:
    """The number of bytes actually received (not a size any client declared)."""
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    return size


def attachment_limits() -> dict[MediaKind, int]:
    """The largest attachment of each kind, in bytes, as the settings say now."""
    return {
        MediaKind.PHOTO: int(settings.STORIES_MAX_PHOTO_BYTES),
        MediaKind.AUDIO: int(settings.STORIES_MAX_RECORDING_BYTES),
        MediaKind.VIDEO: int(settings.STORIES_MAX_RECORDING_BYTES),
        MediaKind.DOCUMENT: int(settings.STORIES_MAX_DOCUMENT_BYTES),
    }


def _format_refusal(problem: formats.FormatError, name: str) -> ValidationError:
    if isinstance(problem, formats.Damaged):
        return _refusal(DAMAGED, "damaged", name=name)
    if isinstance(problem, formats.UnsupportedPicture):
        return _refusal(UNSUPPORTED_PICTURE, "unsupported_picture", name=name)
    return _refusal(NOT_ACCEPTED, "not_accepted", name=name)


def _refusal(message: StrPromise, code: str, **params: Any) -> ValidationError:
    return ValidationError(message, code=code, params=params)
