"""The worker's heartbeat: when a worker last ran a task.

Beat runs ``core.tasks.heartbeat`` on a schedule; each run stores the time in the shared cache,
so the web processes can tell whether a worker is alive and taking tasks (``last_heartbeat``).
"""

from __future__ import annotations

from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "dojo_portal:worker-heartbeat"


def heartbeat_record(*, at: datetime | None = None) -> datetime:
    """Store ``at`` (default: now) as the last time a worker ran a task; idempotent."""
    at = at or timezone.now()
    cache.set(HEARTBEAT_KEY, at.isoformat(), timeout=None)
    return at


def last_heartbeat() -> datetime | None:
    """When a worker last ran a heartbeat, or None if never (or the cache was cleared)."""
    value = cache.get(HEARTBEAT_KEY)
    return datetime.fromisoformat(value) if value else None
