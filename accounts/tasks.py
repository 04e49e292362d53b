"""Background work for accounts: thin wrappers that load ids and call a service."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task


@shared_task(ignore_result=True)
def notify_teachers_of_pupil_lock(pupil_id: int, locked_at: str) -> int:
    """Tell the class teachers that a pupil's picture code is locked (once per lock)."""
    from .services.pupil_login import pupil_lock_notify  # the service enqueues this task

    return pupil_lock_notify(pupil_id=pupil_id, locked_at=datetime.fromisoformat(locked_at))
