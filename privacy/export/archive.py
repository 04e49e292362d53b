"""Writing the ZIP of an export: one JSON file per area, the media files they name, and a
README, reporting progress as it goes (0–99; the caller says 100 once the file is stored).

JSON is compressed; photos and recordings are already compressed, so they are stored as they
are, streamed from storage without being read into memory whole.
"""

from __future__ import annotations

import json
import logging
import shutil
import zipfile
from collections.abc import Callable, Sequence
from typing import BinaryIO

from django.utils import timezone, translation

from .base import Area, ExportEncoder, MediaFile, Subject
from .readme import readme_text

logger = logging.getLogger(__name__)

# Share of the progress bar: building the JSON files, then copying the media.
AREAS_SHARE = 30
MEDIA_SHARE = 65


class Progress:
    """Calls ``report`` with a whole percentage, only when it moves forward."""

    def __init__(self, report: Callable[[int], None]) -> None:
        self.report = report
        self.last = 0

    def at(self, percent: float) -> None:
        value = min(99, int(percent))
        if value > self.last:
            self.last = value
            self.report(value)


def _copy_media(out: zipfile.ZipFile, files: Sequence[MediaFile], progress: Progress) -> list[str]:
    """Copy each media file into the ZIP; return the names of those missing from storage."""
    missing = []
    for done, media in enumerate(files, start=1):
        try:
            with media.file.open("rb") as source, out.open(media.arcname, "w") as target:
                shutil.copyfileobj(source, target, 1024 * 1024)
        except (FileNotFoundError, ValueError):
            logger.warning("export: %s is missing from storage", media.file.name)
            missing.append(media.arcname)
        progress.at(AREAS_SHARE + MEDIA_SHARE * done / len(files))
    return missing


def archive_write(
    subject: Subject,
    target: BinaryIO,
    *,
    areas: Sequence[Area],
    report: Callable[[int], None] = lambda percent: None,
) -> None:
    """Write the export of ``subject`` to ``target``, in the person's language."""
    progress = Progress(report)
    made_at = timezone.now()
    with (
        translation.override(subject.user.preferred_language),
        zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as out,
    ):
        files: list[MediaFile] = []
        left_out: list[str] = []
        for done, area in enumerate(areas, start=1):
            part = area.build(subject)
            text = json.dumps(part.data, cls=ExportEncoder, ensure_ascii=False, indent=2)
            out.writestr(area.filename, text)
            files += part.files
            left_out += part.not_included
            progress.at(AREAS_SHARE * done / len(areas))
        out.compression = zipfile.ZIP_STORED  # media is compressed already
        missing = _copy_media(out, files, progress)
        out.compression = zipfile.ZIP_DEFLATED
        readme = readme_text(
            subject,
            areas,
            made_at=made_at,
            with_media=bool(files),
            missing=missing,
            left_out=left_out,
        )
        out.writestr("README.txt", readme)
        progress.at(99)
