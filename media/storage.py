"""Files kept under random names, and removed with the rows that name them (R8).

A stored file's name never says what it shows or who uploaded it: ``file_save`` gives it a
random name under the caller's folder. ``stored_files`` lists every file a set of rows names, so
that the caller deletes them with the rows; ``files_delete`` removes them now (after a failure
that must leave nothing behind, or once rows are gone), ``files_delete_on_commit`` once the
transaction deleting the rows commits. A file that cannot be deleted is logged and the others
still go.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import models, transaction

logger = logging.getLogger(__name__)


def file_save(folder: str, extension: str, content: File) -> str:
    """Store ``content`` as ``<folder><random hex><extension>``; return the name it got.

    ``folder`` ends with a slash (``"stories/pending/"``); ``extension`` starts with a dot and
    is the one read from the content (``media.uploads``), never the uploaded name's.
    """
    return default_storage.save(f"{folder}{uuid.uuid4().hex}{extension}", content)


def stored_files(rows: Iterable[models.Model]) -> list[str]:
    """The name of every file the rows keep: each non-empty file field of each row, in the
    order its model declares them."""
    return [
        name
        for row in rows
        for field in row._meta.concrete_fields
        if isinstance(field, models.FileField) and (name := getattr(row, field.attname).name)
    ]


def files_delete(names: Iterable[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # already gone, or the disk refuses: log it, the rest still goes
            logger.warning("could not delete %s", name, exc_info=True)


def files_delete_on_commit(names: Iterable[str]) -> None:
    """Remove files once the rows that named them are gone for good."""
    names = list(names)
    transaction.on_commit(lambda: files_delete(names))
