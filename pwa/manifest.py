"""The web app manifest's content: the school's name, the portal's colours and the icons."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _

from .icons import BACKGROUND_COLOUR, THEME_COLOUR, school_initials

# Home screens show about twelve characters of a short name before they cut it.
SHORT_NAME_LENGTH = 12
MANIFEST_ICON_SIZES = (192, 512)


def short_name(name: str) -> str:
    """The school's name if it is short, else its first words that fit ("New Village Primary"
    → "New Village"), else its initials."""
    if len(name) <= SHORT_NAME_LENGTH:
        return name
    fitting = ""
    for word in name.split():
        candidate = f"{fitting} {word}".strip()
        if len(candidate) > SHORT_NAME_LENGTH:
            break
        fitting = candidate
    return fitting or school_initials(name)


def manifest_for(school_name: str) -> dict[str, object]:
    """The manifest, in the active language: the portal's whole site is the app."""
    icons: list[dict[str, str]] = []
    for size in MANIFEST_ICON_SIZES:
        for url_name, purpose in (("pwa_icon", "any"), ("pwa_icon_maskable", "maskable")):
            icons.append(
                {
                    "src": reverse(url_name, args=[size]),
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                    "purpose": purpose,
                }
            )
    return {
        "id": "/",
        "name": school_name,
        "short_name": short_name(school_name),
        "description": _("News, messages and points from %(school)s.") % {"school": school_name},
        "lang": get_language(),
        "dir": "rtl" if get_language_bidi() else "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "categories": ["education"],
        "icons": icons,
    }
