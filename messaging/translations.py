"""Messages in the reader's language (R17, R34), both ways: a parent's message is written in the
parent's language and translated for the teacher, the teacher's reply into the parent's
language. The worker translates a message once it is sent (the task is queued on commit; the
sweep hands out any that the broker lost); the original stays one tap away."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from translation import covers, translate

from .models import Message, MessageTranslation, Thread


def reader_language(thread: Thread, *, from_parent: bool) -> str:
    """The language a message is read in: the teacher's, or the school's for a parent's
    message to the office (several people read the office inbox); the parent's for a
    message to them ("" when nobody reads it any more)."""
    if from_parent and thread.teacher_id is None:
        return str(settings.LANGUAGE_CODE)
    reader = thread.teacher if from_parent else thread.parent
    return getattr(reader, "preferred_language", "") or ""


def needs_translation(thread: Thread, message: Message) -> bool:
    """Whether the message's reader reads another language than the one it is written in."""
    language = reader_language(thread, from_parent=message.from_parent)
    return bool(language) and language.split("-")[0] != message.language.split("-")[0]


def _reader_language(message: Message) -> str:
    return reader_language(message.thread, from_parent=message.from_parent)


TRANSLATE_WITHIN = dt.timedelta(days=1)


def messages_to_translate(*, now: dt.datetime, limit: int = 500) -> list[int]:
    """Messages of the last day the worker has not translated yet: their task, queued when
    they were sent, was lost (the broker was down) or has not run yet. The sweep hands them to
    the worker again; running twice is harmless (``message_translate`` claims a message)."""
    return list(
        Message.objects.filter(
            translated_at__isnull=True, sent_at__gt=now - TRANSLATE_WITHIN
        ).values_list("pk", flat=True)[:limit]
    )


def message_translate(message_id: int) -> str | None:
    """Translate a message for the person it is written to, once (``translated_at`` records
    the attempt); returns the language added (None when there was nothing to do: same
    language, not covered, or the service failed — the reader then sees the original with a
    quiet notice)."""
    message = (
        Message.objects.filter(pk=message_id)
        .select_related("thread__parent", "thread__teacher")
        .first()
    )
    if message is None or message.translated_at is not None:
        return None
    # Claimed in one statement: the task sent on commit and a sweep's may run at once.
    claimed = Message.objects.filter(pk=message.pk, translated_at__isnull=True).update(
        translated_at=timezone.now()
    )
    if not claimed or message.withdrawn_at is not None:
        return None
    target = _reader_language(message)
    if not target or target.split("-")[0] == message.language.split("-")[0]:
        return None
    if MessageTranslation.objects.filter(message=message, language=target).exists():
        return None
    if not covers(message.language, target):
        return None
    text = translate(message.body, source=message.language, target=target)
    if not text:
        return None
    MessageTranslation.objects.get_or_create(
        message=message, language=target, defaults={"body": text}
    )
    return target
