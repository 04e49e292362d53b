"""Background work of the privacy app: thin, idempotent wrappers around its services."""

from __future__ import annotations

from importlib import import_module

from celery import shared_task
from django.conf import settings

from .retention import retention_run as run_retention
from .services.export import export_build, exports_expire, exports_to_build


@shared_task(name="privacy.tasks.build_export", acks_late=True, ignore_result=True)
def build_export(export_id: int) -> None:
    """Build one export's ZIP (R28); run twice, or by two workers, it builds one file."""
    export_build(export_id)


@shared_task(name="privacy.tasks.sweep_exports", ignore_result=True)
def sweep_exports() -> int:
    """Every minute (beat): hand out again the exports whose task was lost (broker down
    when it was asked for, or a worker that died). Returns how many."""
    ids = exports_to_build()
    for export_id in ids:
        # In a worker, not a web request: a broker failure fails this sweep, the next retries.
        build_export.apply_async(args=(export_id,), retry=False)
    return len(ids)


@shared_task(name="privacy.tasks.expire_exports", ignore_result=True)
def expire_exports() -> int:
    """Nightly: delete the files of exports kept for 7 days (R28). Returns how many."""
    return exports_expire()


@shared_task(name="privacy.tasks.retention_run", ignore_result=True)
def retention_run() -> int:
    """Nightly (beat): erase what is past its retention period (R28). Idempotent; a run that
    is interrupted is completed by the next. Returns how many pupils and accounts it erased."""
    counts = run_retention()
    return counts.pupils + counts.parent_accounts


@shared_task(name="privacy.tasks.clear_expired_sessions", ignore_result=True)
def clear_expired_sessions() -> None:
    """Nightly: delete sessions past their expiry (what ``manage.py clearsessions`` does), so
    who signed in on which browser is not kept longer than the session itself (R28)."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
