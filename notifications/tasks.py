"""Celery tasks of notifications: thin, idempotent wrappers.

Beat runs :func:`sweep_notifications` every minute (``CELERY_BEAT_SCHEDULE``); it hands the
emails, digests and pushes that are due to the workers in batches. A batch that is lost, or run
twice, is harmless: the next sweep hands out what is still unsent, and each send claims its
notification first. Failed emails are retried by the sweep with backoff (the due time is kept
in the database, never as a Celery ETA).
"""

from __future__ import annotations

from collections.abc import Sequence

from celery import shared_task

from .digest import digest_send
from .emails import emails_send
from .push import push_send
from .sweep import deliveries_due

# Notifications per task: enough to share one mail-server connection, small enough that the
# workers share a large release (10,000 messages at 08:00 on Monday) between them.
BATCH = 100


def _batches(ids: Sequence[int]) -> list[list[int]]:
    return [list(ids[start : start + BATCH]) for start in range(0, len(ids), BATCH)]


@shared_task(ignore_result=True)
def sweep_notifications() -> int:
    """Every minute (beat): hand out what is due. Returns how many emails were handed out."""
    due = deliveries_due()
    # In a worker, not a web request: a broker failure here fails this sweep, and the next
    # one hands out whatever is still unsent.
    for batch in _batches(due.emails):
        email_notifications.apply_async(args=(batch,), retry=False)
    for user_id in due.digests:
        send_digest.apply_async(args=(user_id,), retry=False)
    for batch in _batches(due.pushes):
        push_notifications.apply_async(args=(batch,), retry=False)
    return len(due.emails)


@shared_task(acks_late=True, ignore_result=True)
def email_notifications(notification_ids: list[int]) -> int:
    return emails_send(notification_ids)


@shared_task(acks_late=True, ignore_result=True)
def send_digest(user_id: int) -> bool:
    return digest_send(user_id)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=120)
def push_notifications(notification_ids: list[int]) -> int:
    return push_send(notification_ids)
