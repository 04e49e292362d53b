"""``{% load points_text %}``: points in words, right in every direction."""

from __future__ import annotations

from django import template
from django.utils.translation import ngettext

from core.bidi import isolate_ltr

register = template.Library()


@register.filter
def points_words(points: int) -> str:
    """``{{ share.points|points_words }}``: "3 points", "-1 point" in the reader's language
    (the plural form is chosen by the size of the number: "-1 point", as "1 point").
    The number is a left-to-right isolate on a right-to-left page, so a minus stays before it
    (``{% blocktranslate count %}`` cannot do this: its counter is shown as it is)."""
    return ngettext("%(points)s point", "%(points)s points", abs(points)) % {
        "points": isolate_ltr(str(points))
    }
