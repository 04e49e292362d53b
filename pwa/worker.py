"""The service worker's source: the template ``pwa/sw.js`` with the app shell filled in.

The shell is the only thing the worker stores on the device: the stylesheet, the worker's own
scripts, the offline page and the icons — public files, the same for everyone. The cache's name
carries a fingerprint of the worker's source and of the shell files' contents, so any change
gives a new worker, which installs a new cache and deletes the old ones.
"""

from __future__ import annotations

import hashlib
import json

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe

CACHE_PREFIX = "portal-shell-"
SHELL_STATIC_FILES = ("css/portal.css", "js/sw-register.js", "js/install-hint.js")
SHELL_ICONS = (
    ("pwa_icon", 192),
    ("pwa_icon", 512),
    ("pwa_icon_maskable", 192),
    ("pwa_icon_maskable", 512),
)
NOTIFICATION_ICON = ("pwa_icon", 192)


def shell_urls() -> list[str]:
    """Every URL the worker precaches (absolute paths on this site)."""
    return [
        *(static(path) for path in SHELL_STATIC_FILES),
        reverse("pwa_offline"),
        *(reverse(name, args=[size]) for name, size in SHELL_ICONS),
    ]


def worker_source(*, school_name: str) -> str:
    """The worker script. ``school_name`` titles a push message that arrives without one."""
    config: dict[str, object] = {
        "cache": "",
        "shell": shell_urls(),
        "offline": reverse("pwa_offline"),
        "signIn": reverse("account_login"),
        "icon": reverse(NOTIFICATION_ICON[0], args=[NOTIFICATION_ICON[1]]),
        "title": school_name,
    }
    draft = _render(config)
    config["cache"] = CACHE_PREFIX + _fingerprint(draft)
    return _render(config)


def _render(config: dict[str, object]) -> str:
    # json.dumps gives a JavaScript literal; the file is a script, never parsed as HTML.
    literal = mark_safe(json.dumps(config, indent=2, ensure_ascii=False))  # noqa: S308
    return render_to_string("pwa/sw.js", {"config": literal})


def _fingerprint(source: str) -> str:
    """A hash of the worker's source and of the shell's static files as they are on disk (with
    the manifest storage their URLs change too; without it only their contents do)."""
    digest = hashlib.sha256(source.encode())
    for path in SHELL_STATIC_FILES:
        found = finders.find(path)
        if isinstance(found, str):
            with open(found, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]
