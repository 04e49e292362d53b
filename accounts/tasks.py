"""Tasks of the accounts app: thin wrappers that load ids and call a service."""

from __future__ import annotations

from celery import shared_task

from .password_emails import password_email_send


@shared_task(ignore_result=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_password_email(user_id: int, kind: str) -> bool:
    """Email an account's holder the link to choose their password (``kind``: welcome or
    reset). SMTP and network errors (``OSError``) are retried later; a second email is harmless,
    each link works until the password is chosen."""
    return password_email_send(user_id=user_id, kind=kind)
