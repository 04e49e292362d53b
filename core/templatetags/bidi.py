"""Filters that isolate user text in templates (see :mod:`core.bidi`).

``{{ pupil.display_name|bdi }}`` in text; ``{{ pupil.display_name|isolate }}`` where markup
cannot go (attributes, ``<title>``); ``{{ school.office_phone|ltr }}`` for what reads left to
right in every language (numbers, codes, phone numbers, e-mail addresses)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core import bidi as text_bidi

register = template.Library()


@register.filter
def bdi(value: object) -> SafeString | str | object:
    """``value`` (escaped) inside ``<bdi>`` where that changes what is shown; otherwise
    ``value`` itself, escaped as usual."""
    if value is None or value == "":
        return ""
    if not text_bidi.needs_isolation(str(value)):
        return value
    return format_html("<bdi>{}</bdi>", value)


@register.filter
def isolate(value: object) -> str | object:
    """``value`` between FSI and PDI, its own controls removed, where that changes what is
    shown; escaped as usual."""
    if value is None or not text_bidi.needs_isolation(str(value)):
        return "" if value is None else value
    return text_bidi.isolate(value)


@register.filter
def ltr(value: object) -> SafeString | str | object:
    """``value`` (escaped) inside ``<bdi dir="ltr">`` on a right-to-left page, so a phone
    number, a code, an e-mail address or a signed number keeps its left-to-right order there;
    elsewhere ``value`` itself, escaped as usual."""
    if value is None or value == "":
        return ""
    if not text_bidi.needs_ltr_isolation():
        return value
    return format_html('<bdi dir="ltr">{}</bdi>', value)
