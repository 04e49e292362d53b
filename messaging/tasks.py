"""Celery tasks of messaging: thin, idempotent wrappers.

Beat runs :func:`sweep_notices` every minute (``CELERY_BEAT_SCHEDULE``). It hands the open
questions of ended cover windows to the class teacher (``handover``), records what people
are to be told (delivered messages, overdue replies) through the notification service, whose
own sweep sends the emails and pushes, and hands out messages to translate. A task that is
lost, or run twice, is harmless: the next sweep finds what is still due in the database.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .handover import covers_hand_over
from .notices import notices_sweep
from .translations import message_translate, messages_to_translate


@shared_task(ignore_result=True)
def sweep_notices() -> int:
    """Every minute (beat): pass the open questions of ended covers to the class teacher, tell
    of delivered messages and overdue replies, and hand out the messages to translate. Returns
    how many messages were notified."""
    covers_hand_over()
    notified = notices_sweep().notified
    for message_id in messages_to_translate(now=timezone.now()):
        # In a worker, not a web request: a broker failure here fails this sweep, and the
        # next one hands out whatever is still untranslated.
        translate_message.apply_async(args=(message_id,), retry=False)
    return notified


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=60)
def translate_message(message_id: int) -> None:
    """Translate one message for its reader (R17); run twice, it does nothing the second time."""
    message_translate(message_id)
