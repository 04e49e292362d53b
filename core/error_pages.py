"""nginx's static error pages, rendered from templates in every language of the portal."""

from __future__ import annotations

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import translation

PAGES = ("413.html",)


def render_page(name: str) -> str:
    """The page ``templates/errors/<name>``: English first, then every other language, each
    with its own direction; the limit as each language writes it."""
    languages = [
        (code, "rtl" if translation.get_language_info(code)["bidi"] else "ltr")
        for code, _name in settings.LANGUAGES
    ]
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            f"errors/{name}",
            {
                "languages": languages,
                "limit": _LazyLimit(),
                "stylesheet": f"/{settings.STATIC_URL.lstrip('/')}css/portal.css",
            },
        )


class _LazyLimit:
    """``MAX_UPLOAD_BYTES`` as the active language writes it ("60.0 MB", "60,0 MB")."""

    def __str__(self) -> str:
        return str(filesizeformat(settings.MAX_UPLOAD_BYTES))
