"""Background work for accounts: thin wrappers that load ids and call a service."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task


@shared_task(ignore_result=True)
def notify_teachers_of_pupil_lock(pupil_id: int, locked_at: str) -> int:
    """Tell the class teachers that a pupil's picture code is locked (once per lock)."""
    from .services.pupil_login import pupil_lock_notify  # the service enqueues this task

    return pupil_lock_notify(pupil_id=pupil_id, locked_at=datetime.fromisoformat(locked_at))


@shared_task(ignore_result=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_password_email(user_id: int, kind: str) -> bool:
    """Email an account's holder the link to choose their password (``kind``: welcome or
    reset). SMTP and network errors (``OSError``) are retried later; a second email is harmless,
    each link works until the password is chosen."""
    from .password_emails import password_email_send

    return password_email_send(user_id=user_id, kind=kind)
