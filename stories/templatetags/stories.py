"""Showing a post's text in the reader's language, with the original one tap away (R17)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from ..text import format_body

register = template.Library()


def _base(language: str) -> str:
    return (language or "").split("-")[0].lower()


@register.simple_tag
def post_text(post: Any, user: Any) -> SafeString | str:
    """The post's text, translated when the reader's language differs and a translation is
    ready; otherwise the original, with a quiet notice when it is not in their language."""
    if not post.body:
        return ""
    reader = getattr(user, "preferred_language", "") or ""
    context = {
        "original": format_body(post.body),
        "original_language": post.language,
        "same_language": _base(reader) == _base(post.language),
        "translated": format_body(post.translated) if getattr(post, "translated", None) else None,
        "reader_language": reader,
    }
    return render_to_string("stories/includes/post_text.html", context)
