"""A message's text in the reader's language, the original one tap away (R17)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from accounts.languages import machine_translated_label

register = template.Library()


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
