"""Celery beat's scheduler, which also records when it last ran (``CELERY_BEAT_SCHEDULER``).

``/healthz`` reports beat's last run beside the worker's heartbeat: the heartbeat alone cannot
tell a stopped beat from a stopped worker, since beat sends the task that the worker runs.
The heartbeat goes out as soon as beat starts, not one interval later, so ``/healthz?strict=1``
is green within seconds of a start or a restart instead of after a minute of "down".
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery.beat import PersistentScheduler, ScheduleEntry
from celery.schedules import schedule

from .heartbeat import beat_record

log = logging.getLogger(__name__)


# The periodic tasks that beat sends as it starts (CELERY_BEAT_SCHEDULE's names).
AT_START = ("heartbeat",)


class RecordingScheduler(PersistentScheduler):
    """Celery's own file-backed scheduler, recording each sending of a due task."""

    def setup_schedule(self) -> None:
        super().setup_schedule()
        for name in AT_START:
            entry = self.schedule.get(name)
            if entry is not None and isinstance(entry.schedule, schedule):
                # due now: its last run one interval ago
                entry.last_run_at = entry.default_now() - timedelta(seconds=entry.schedule.seconds)

    def apply_entry(self, entry: ScheduleEntry, producer: Any = None) -> None:
        super().apply_entry(entry, producer=producer)
        try:
            beat_record()
        except Exception:  # the cache and its database stand-in both failing must not stop beat
            log.exception("could not record beat's last run")
