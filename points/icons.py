"""The built-in icons for skills (R25): simple bold shapes, drawn inline as SVG.

A skill's icon is a key of :data:`ICONS`; nothing is uploaded. The icon is decoration: the
skill's name is always shown beside it, so the markup is ``aria-hidden="true"``.
"""

from __future__ import annotations

from typing import NamedTuple

from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

UNKNOWN_ICON = _("Choose one of the built-in icons.")


class Icon(NamedTuple):
    label: str | Promise
    shapes: str  # SVG elements inside a 0 0 48 48 viewBox, drawn in currentColor


_STROKE = 'fill="none" stroke="currentColor" stroke-width="4" stroke-linejoin="round"'
_ROUND = f'{_STROKE} stroke-linecap="round"'

ICONS: dict[str, Icon] = {
    "mountain": Icon(
        _("Mountain"),
        f'<path d="M4 40 18 14l8 13 5-7 13 20Z" {_STROKE}/><path d="m14 22 4 3 4-3" {_ROUND}/>',
    ),
    "shield": Icon(
        _("Shield"),
        f'<path d="M24 4 40 10v12c0 11-7 18-16 22C15 40 8 33 8 22V10Z" {_STROKE}/>'
        f'<path d="m17 24 5 5 9-10" {_ROUND}/>',
    ),
    "hands": Icon(
        _("Hands together"),
        f'<path d="M4 26 14 16h8l6 6-4 4-6-4" {_ROUND}/>'
        f'<path d="M44 26 34 16h-6M10 30l10 10h8l12-12" {_ROUND}/>',
    ),
    "puzzle": Icon(
        _("Puzzle piece"),
        '<path d="M8 14h10a6 6 0 1 1 12 0h10v10a6 6 0 1 1 0 12v6H8V32a6 6 0 1 0 0-12Z" '
        f"{_STROKE}/>",
    ),
    "palette": Icon(
        _("Paint palette"),
        f'<path d="M24 6C13 6 5 14 5 24s8 18 17 18c4 0 5-3 3-6s0-6 4-6h6c5 0 8-3 8-7 '
        f'0-10-9-17-19-17Z" {_STROKE}/>'
        '<circle cx="15" cy="20" r="3" fill="currentColor"/>'
        '<circle cx="24" cy="14" r="3" fill="currentColor"/>'
        '<circle cx="33" cy="19" r="3" fill="currentColor"/>',
    ),
    "magnifier": Icon(
        _("Magnifying glass"),
        f'<circle cx="20" cy="20" r="12" {_STROKE}/><path d="m29 29 13 13" {_ROUND}/>',
    ),
    "star": Icon(
        _("Star"),
        f'<path d="m24 4 6 13 14 2-10 10 2 14-12-7-12 7 2-14L4 19l14-2Z" {_STROKE}/>',
    ),
    "heart": Icon(
        _("Heart"),
        f'<path d="M24 42 8 26a10 10 0 0 1 16-13 10 10 0 0 1 16 13Z" {_STROKE}/>',
    ),
    "book": Icon(
        _("Book"),
        f'<path d="M24 12c-5-4-12-4-18-2v28c6-2 13-2 18 2 5-4 12-4 18-2V10c-6-2-13-2-18 2Zv28" '
        f"{_STROKE}/>",
    ),
    "lightbulb": Icon(
        _("Light bulb"),
        f'<path d="M18 34c0-6-8-9-8-18a14 14 0 0 1 28 0c0 9-8 12-8 18Z" {_STROKE}/>'
        f'<path d="M19 40h10M21 45h6" {_ROUND}/>',
    ),
    "thumbs-up": Icon(
        _("Thumbs up"),
        f'<path d="M6 22h8v20H6ZM14 22l8-16c4 0 6 3 5 7l-2 7h13c3 0 5 3 4 6l-4 12c-1 3-3 4-6 '
        f'4H14" {_STROKE}/>',
    ),
    "clock": Icon(
        _("Clock"),
        f'<circle cx="24" cy="24" r="18" {_STROKE}/><path d="M24 13v11l8 6" {_ROUND}/>',
    ),
    "speech": Icon(
        _("Speech bubble"),
        f'<path d="M6 8h36v24H20l-10 8v-8H6Z" {_STROKE}/><path d="M14 17h20M14 24h12" {_ROUND}/>',
    ),
    "hand-raise": Icon(
        _("Raised hand"),
        f'<path d="M14 26V10a3 3 0 0 1 6 0v12V6a3 3 0 0 1 6 0v16V9a3 3 0 0 1 6 0v15-8a3 3 0 0 '
        f'1 6 0v12c0 10-6 16-14 16-6 0-9-3-13-9l-5-8a3 3 0 0 1 5-3Z" {_ROUND}/>',
    ),
    "footprints": Icon(
        _("Footprints"),
        '<ellipse cx="15" cy="16" rx="6" ry="9" fill="currentColor"/>'
        '<ellipse cx="33" cy="28" rx="6" ry="9" fill="currentColor"/>'
        '<circle cx="15" cy="30" r="3.5" fill="currentColor"/>'
        '<circle cx="33" cy="42" r="3.5" fill="currentColor"/>',
    ),
    "volume-down": Icon(
        _("Quiet voice"),
        f'<path d="M6 18h8l10-8v28l-10-8H6Z" {_STROKE}/><path d="M32 18c3 3 3 9 0 12" {_ROUND}/>',
    ),
}


def icon_svg(key: str, *, size: int = 32) -> SafeString:
    """The icon ``key`` as inline SVG, hidden from assistive technology (the skill's name is
    always beside it). An unknown key (a skill whose icon left the set) draws an empty frame."""
    icon = ICONS.get(key)
    shapes = mark_safe(icon.shapes if icon else "")  # noqa: S308 - constants of this module
    return format_html(
        '<svg class="icon" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" width="{}" '
        'height="{}" aria-hidden="true" focusable="false">{}</svg>',
        size,
        size,
        shapes,
    )
