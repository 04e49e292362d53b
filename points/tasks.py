"""Background work for points: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task

from .services.retention import points_delete_expired


@shared_task(name="points.tasks.delete_expired_points", ignore_result=True)
def delete_expired_points() -> int:
    """Nightly: delete points older than 12 months (R28)."""
    return points_delete_expired()
