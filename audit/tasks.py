"""Background work for the audit log: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task

from .services import audit_log_prune


@shared_task(name="audit.tasks.prune_audit_log", ignore_result=True)
def prune_audit_log() -> int:
    """Nightly: entries older than ``AUDIT_RETENTION_DAYS`` are deleted (R28)."""
    return audit_log_prune()
