"""The worker's heartbeat, beat's last run and the last backup, kept in the shared cache.

Beat runs ``core.tasks.heartbeat`` on a schedule; each run stores the time (``heartbeat_record``),
so the web processes can tell whether a worker is alive and taking tasks (``last_heartbeat``).
Beat itself records each time it sends a task (``core.beat.RecordingScheduler`` calls
``beat_record``), so a beat that stopped is told apart from a worker that stopped.
``manage.py backup`` records each archive it writes (``backup_record``), for ``/metrics``.
"""

from __future__ import annotations

from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "dojo_portal:worker-heartbeat"
BEAT_KEY = "dojo_portal:beat-last-run"
BACKUP_KEY = "dojo_portal:backup-last-written"


def heartbeat_record(*, at: datetime | None = None) -> datetime:
    """Store ``at`` (default: now) as the last time a worker ran a task; idempotent."""
    at = at or timezone.now()
    cache.set(HEARTBEAT_KEY, at.isoformat(), timeout=None)
    return at


def last_heartbeat() -> datetime | None:
    """When a worker last ran a heartbeat, or None if never (or the cache was cleared)."""
    value = cache.get(HEARTBEAT_KEY)
    return datetime.fromisoformat(value) if value else None


def beat_record(*, at: datetime | None = None) -> datetime:
    """Store ``at`` (default: now) as the last time beat sent a periodic task; idempotent."""
    at = at or timezone.now()
    cache.set(BEAT_KEY, at.isoformat(), timeout=None)
    return at


def last_beat() -> datetime | None:
    """When beat last sent a periodic task, or None if never (or the cache was cleared)."""
    value = cache.get(BEAT_KEY)
    return datetime.fromisoformat(value) if value else None


def backup_record(*, at: datetime | None = None) -> datetime:
    """Store ``at`` (default: now) as the time the last backup archive was written."""
    at = at or timezone.now()
    cache.set(BACKUP_KEY, at.isoformat(), timeout=None)
    return at


def last_backup() -> datetime | None:
    """When the last backup was written, or None if not known here (never, or the cache was
    cleared since)."""
    value = cache.get(BACKUP_KEY)
    return datetime.fromisoformat(value) if value else None
