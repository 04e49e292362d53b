"""Celery tasks of messaging: thin, idempotent wrappers around ``messaging.notices``.

Beat runs :func:`sweep_notices` every minute (``CELERY_BEAT_SCHEDULE``). It records what is due
in the database and hands the emails to the workers in batches; a batch that is lost, or run
twice, is harmless: the next sweep hands out what is still unsent, and each email is claimed
before it is sent.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .notices import notices_email, notices_sweep
from .translations import message_translate, messages_to_translate

# Notices per email task: enough to share one mail-server connection, small enough that the
# workers share a large release (10,000 messages at 08:00 on Monday) between them.
EMAIL_BATCH = 100


@shared_task(ignore_result=True)
def sweep_notices() -> int:
    """Every minute (beat): record notices and reminders due, then enqueue their emails.
    Returns how many notices were handed out to be emailed."""
    ids = notices_sweep().to_email
    for start in range(0, len(ids), EMAIL_BATCH):
        # In a worker, not a web request: a broker failure here fails this sweep, and the
        # next one hands out whatever is still unsent.
        email_notices.apply_async(args=(ids[start : start + EMAIL_BATCH],), retry=False)
    for message_id in messages_to_translate(now=timezone.now()):
        translate_message.apply_async(args=(message_id,), retry=False)
    return len(ids)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=60)
def translate_message(message_id: int) -> None:
    """Translate one message for its reader (R17); run twice, it does nothing the second time."""
    message_translate(message_id)


@shared_task(acks_late=True, ignore_result=True)
def email_notices(notice_ids: list[int]) -> int:
    """Email these notices, each at most once (see ``notices_email``)."""
    return notices_email(notice_ids=notice_ids)
