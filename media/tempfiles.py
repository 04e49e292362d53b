"""A file on disk for the tools that need a path (ffprobe, ffmpeg), and nothing left after."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from django.conf import settings


@contextmanager
def local_copy(source: IO[bytes], suffix: str = "") -> Iterator[Path]:
    """``source``'s bytes as a file: the upload's own temporary file when Django wrote one,
    otherwise a private copy that is removed when the block ends, whatever happens in it."""
    own = getattr(source, "temporary_file_path", None)
    if own is not None:
        yield Path(own())
        return
    with tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR) as folder:
        path = Path(folder) / f"source{suffix}"
        source.seek(0)
        with path.open("wb") as copy:
            shutil.copyfileobj(source, copy, 1024 * 1024)
        source.seek(0)
        yield path


@contextmanager
def work_folder() -> Iterator[Path]:
    """A private folder for a tool's output, removed with everything in it when the block
    ends."""
    with tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR) as folder:
        yield Path(folder)
