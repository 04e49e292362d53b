"""Tasks of the portal as a whole: the worker's heartbeat (``core.heartbeat``)."""

from __future__ import annotations

from celery import shared_task

from .heartbeat import heartbeat_record


@shared_task(name="core.tasks.heartbeat", ignore_result=True)
def heartbeat() -> str:
    """Record that a worker is alive; returns the time recorded (ISO 8601)."""
    return heartbeat_record().isoformat()
