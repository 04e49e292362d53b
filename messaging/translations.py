"""Messages in the reader's language (R17): translated by the worker when sent, into the
language of the other side of the thread; the original stays one tap away."""

from __future__ import annotations

from dojo_portal.translation import covers, translate

from .models import Message, MessageTranslation


def _reader_language(message: Message) -> str:
    thread = message.thread
    reader = thread.teacher if message.from_parent else thread.parent
    return getattr(reader, "preferred_language", "") or ""


def message_translate(message_id: int) -> str | None:
    """Translate a message for the person it is written to, once; returns the language added
    (None when there was nothing to do: same language, not covered, or the service failed —
    the reader then sees the original with a quiet notice)."""
    message = (
        Message.objects.filter(pk=message_id)
        .select_related("thread__parent", "thread__teacher")
        .first()
    )
    if message is None or message.withdrawn_at is not None:
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
