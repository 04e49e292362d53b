"""Showing a post's text in the reader's language, with the original one tap away (R17)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from accounts.languages import machine_translated_label

from ..text import format_body

register = template.Library()

SHOW_ORIGINAL = _("Show the original")
NOT_TRANSLATED = _("Not translated into your language yet: this is the original.")


def _base(language: str) -> str:
    return (language or "").split("-")[0].lower()


@register.simple_tag
def post_text(post: Any, user: Any, translated: str | None) -> SafeString | str:
    """The post's text, ``translated`` when the reader's language differs and a translation
    is ready (the feed's row has it); otherwise the original, with a quiet notice when it is
    not in their language. Built here rather than from a template: it runs for every post of
    every feed page."""
    if not post.body:
        return ""
    reader = getattr(user, "preferred_language", "") or ""
    # dir="auto": the text takes its own direction and isolates whatever controls it holds.
    original = format_html(
        '<div class="post-text" lang="{}" dir="auto">{}</div>',
        post.language,
        format_body(post.body),
    )
    if _base(reader) == _base(post.language):
        return original
    if translated:
        return format_html(
            '<div class="post-text" lang="{}" dir="auto">{}</div>\n'
            '<p class="translation-label">{}</p>\n<details class="post-original">'
            '<summary>{}</summary><div lang="{}" dir="auto">{}</div></details>',
            reader,
            format_body(translated),
            machine_translated_label(post.language),
            SHOW_ORIGINAL,
            post.language,
            format_body(post.body),
        )
    return format_html('{}\n<p class="translation-note">{}</p>', original, NOT_TRANSLATED)
