"""Reads for the export pages: each a fixed number of queries whatever the data size."""

from __future__ import annotations

import uuid

from django.shortcuts import get_object_or_404

from accounts.models import User

from .models import DataExport, ExportStatus
from .permissions.exports import exports_visible_to

RECENT = 5


def export_for(user: User, key: uuid.UUID) -> DataExport:
    """The person's own export by its key (one query); 404 when it is missing or someone
    else's, so nobody learns that another person's export exists."""
    return get_object_or_404(exports_visible_to(user), key=key)


def exports_recent(user: User) -> list[DataExport]:
    """The person's latest exports for their page (one query)."""
    return list(exports_visible_to(user).order_by("-created_at", "-pk")[:RECENT])


def export_current(exports: list[DataExport]) -> DataExport | None:
    """The export to offer first: one waiting or being built, else the newest ready one."""
    for export in exports:
        if export.is_in_progress:
            return export
    return next((e for e in exports if e.status == ExportStatus.READY), None)
