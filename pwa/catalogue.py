"""The scripts' texts: Django's ``JavaScriptCatalog`` (the ``djangojs`` catalogue in
``locale/``) in the visitor's language, for ``static/js``'s ``gettext`` and ``ngettext``.

Like the app's other files it is open at every gate (signed out, before the code of conduct, to
pupils, to a suspended account): the pupils' picture keypad and the notification settings need
it, and it says nothing about who asks. Only the portal's own catalogue is served, not the
admin's date-picker texts, so a page's scripts wait for one small file.

The body depends only on the language and the compiled catalogues, which ship with the code and
are read once per process: it is made once per language and process. Browsers revalidate it on
each use (``no-cache``) and get 304 Not Modified while its ETag is unchanged, so a new
translation or a change of language reaches them at once.
"""

from __future__ import annotations

import functools
import hashlib
from datetime import datetime, timezone
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition, require_GET
from django.views.i18n import JavaScriptCatalog

DOMAIN = "djangojs"
# The catalogue's own app: its folder has no locale/, so only LOCALE_PATHS (the portal's
# catalogues) is read, and no installed app's JavaScript texts.
PACKAGES = ["core"]


@functools.lru_cache(maxsize=len(settings.LANGUAGES) + 1)
def catalogue_source(language: str) -> bytes:
    """The catalogue script for ``language``."""
    with translation.override(language):
        view = JavaScriptCatalog(domain=DOMAIN, packages=PACKAGES)
        return view.get(HttpRequest()).content


def _compiled_files(language: str) -> list[Path]:
    locale = translation.to_locale(language)
    candidates = {locale, locale.split("_")[0]}
    return [
        Path(folder) / name / "LC_MESSAGES" / f"{DOMAIN}.mo"
        for folder in settings.LOCALE_PATHS
        for name in candidates
        if (Path(folder) / name / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file()
    ]


def _etag(request: HttpRequest) -> str:
    body = catalogue_source(translation.get_language())
    return hashlib.sha256(body).hexdigest()[:24]


def _last_modified(request: HttpRequest) -> datetime | None:
    """When the language's compiled catalogue was made; none for English, which has none."""
    times = [path.stat().st_mtime for path in _compiled_files(translation.get_language())]
    return datetime.fromtimestamp(max(times), tz=timezone.utc) if times else None


@login_not_required
@require_GET
@condition(etag_func=_etag, last_modified_func=_last_modified)
def javascript_catalogue(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        catalogue_source(translation.get_language()),
        content_type="text/javascript; charset=utf-8",
    )
    patch_cache_control(response, no_cache=True)
    return response
