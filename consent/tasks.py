"""Background work for consent: thin wrappers that call a service, idempotent."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from .imports.emails import InviteEmail, import_invites_send


@shared_task(ignore_result=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_import_invites(invites: list[dict[str, Any]]) -> int:
    """Email the parents named in an import their own invite codes (once each); returns how
    many were sent. SMTP and network errors (``OSError``) are retried later."""
    return import_invites_send(invites=[InviteEmail.from_dict(item) for item in invites])
