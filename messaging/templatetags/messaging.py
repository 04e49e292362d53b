"""A message's text in the reader's language, the original one tap away (R17); how long its
author may still withdraw it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from accounts.languages import machine_translated_label

from ..models import WITHDRAW_WITHIN

register = template.Library()


@register.filter
def withdraw_seconds_left(message: Any, now: dt.datetime) -> int:
    """Whole seconds in which ``message`` may still be withdrawn at ``now`` (0: no longer).
    The page shows Withdraw only then, and hides it when they run out (withdraw-timer.js)."""
    left = message.sent_at + WITHDRAW_WITHIN - now
    return max(0, int(left.total_seconds()))


@register.simple_tag
def message_text(message: Any, user: Any, translations: Mapping[int, str]) -> SafeString:
    """``translations`` are the thread's texts in the reader's language, by message id, where
    there are some (``messaging.selectors.thread_page`` reads them with the messages)."""
    reader = (getattr(user, "preferred_language", "") or "").split("-")[0]
    same = reader == message.language.split("-")[0] or message.author_id == user.pk
    translated = None if same else translations.get(message.pk)
    context = {
        "message": message,
        "same_language": same,
        "translated": translated,
        "reader_language": getattr(user, "preferred_language", ""),
        "label": machine_translated_label(message.language) if translated else "",
    }
    return render_to_string("messaging/includes/message_text.html", context)
