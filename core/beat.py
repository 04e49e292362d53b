"""Celery beat's scheduler, which also records when it last ran (``CELERY_BEAT_SCHEDULER``).

``/healthz`` reports beat's last run beside the worker's heartbeat: the heartbeat alone cannot
tell a stopped beat from a stopped worker, since beat sends the task that the worker runs.
"""

from __future__ import annotations

import logging
from typing import Any

from celery.beat import PersistentScheduler, ScheduleEntry

from .heartbeat import beat_record

log = logging.getLogger(__name__)


class RecordingScheduler(PersistentScheduler):
    """Celery's own file-backed scheduler, recording each sending of a due task."""

    def apply_entry(self, entry: ScheduleEntry, producer: Any = None) -> None:
        super().apply_entry(entry, producer=producer)
        try:
            beat_record()
        except Exception:  # the cache and its database stand-in both failing must not stop beat
            log.exception("could not record beat's last run")
