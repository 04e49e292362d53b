"""System checks of the portal's own (``manage.py check``, and every command but
``collectstatic``; the WSGI application logs the same at start, ``dojo_portal/wsgi.py``).

Without debug mode the production settings serve static files by their hashed names, from the
manifest that ``collectstatic`` writes; without it every page answers 500 (Django cannot name
the style sheet). A school that installs without Docker meets this first, so it is said at
start, with what to run.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.checks import CheckMessage, Warning, register
from django.core.files.storage import storages

STATIC_NOT_COLLECTED = (
    "The static files have not been collected: {manifest} is missing, and without it every "
    "page answers 500 (server error)."
)
STATIC_HINT = (
    "Run `python manage.py collectstatic --noinput` (again after every upgrade), then restart "
    "the web server. README.md, 'Without Docker'."
)
DOJO_STATIC = "dojo_static"


def static_manifest_missing() -> str | None:
    """Why pages would answer 500 for want of collected static files, or None when they would
    not (the manifest is there, or the storage needs none)."""
    backend = storages["staticfiles"]
    if not isinstance(backend, ManifestFilesMixin):
        return None
    manifest_storage = backend.manifest_storage or backend
    if manifest_storage.exists(backend.manifest_name):
        return None
    manifest = f"{settings.STATIC_ROOT}/{backend.manifest_name}"
    return STATIC_NOT_COLLECTED.format(manifest=manifest)


@register(DOJO_STATIC)
def check_static_collected(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problem = static_manifest_missing()
    return [Warning(problem, hint=STATIC_HINT, id="core.W001")] if problem else []


__all__ = ["DOJO_STATIC", "STATIC_HINT", "check_static_collected", "static_manifest_missing"]
