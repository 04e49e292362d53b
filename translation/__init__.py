"""The portal's one translation service (R17), shared by stories and messaging.

``translate(text, source=..., target=...)`` answers the translated text or ``None``; callers show
the original with a quiet notice on ``None``. It never raises for trouble with the backend and
never waits much longer than ``TRANSLATION_TIMEOUT`` seconds: a local Apertium is killed when its
time is up, and every socket operation towards a server gets only the time that is left.
Successful translations are cached for 30 days; a failure is remembered for a minute, and a
backend that is unreachable or too slow is left alone for a minute, so a page full of posts
never waits on a dead server more than once. A failure is logged once a minute per backend (in
all processes sharing the cache), not once per text: a backfill of two hundred posts against an
engine that answers garbage writes one warning.

Backends (``TRANSLATION_BACKEND``): ``apertium`` runs the local ``apertium`` command, ``apy`` asks
an Apertium APY server and ``libretranslate`` a LibreTranslate server at ``TRANSLATION_URL``;
``auto`` is ``apertium`` when the command is installed and ``off`` otherwise. Languages are
Django's codes (``settings.LANGUAGES``); only the base language counts, so ``en-gb`` is English.
The text is never logged: posts and messages are about children.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache

from .backends import (
    APERTIUM,
    APY,
    LIBRETRANSLATE,
    OFF,
    Failure,
    _pairs,
    backend_id,
    base_language,
    call,
    route,
    server_url,
)

__all__ = ["backend_name", "covers", "engine_state", "translate"]

log = logging.getLogger(__name__)

AUTO = "auto"
RESULT_TTL = int(timedelta(days=30).total_seconds())
FAILURE_TTL = 60

_MISS = object()


def backend_name() -> str:
    """The backend in use: "apertium", "apy", "libretranslate" or "off" ("auto" resolved; a
    server backend without an http(s) ``TRANSLATION_URL``, or an unknown name, is "off")."""
    name = str(settings.TRANSLATION_BACKEND or OFF).strip().lower()
    if name == AUTO:
        return APERTIUM if shutil.which("apertium") else OFF
    if name in (APY, LIBRETRANSLATE):
        if urlsplit(server_url()).scheme in ("http", "https"):
            return name
        log.warning("Translation is off: %s needs an http(s) TRANSLATION_URL.", name)
        return OFF
    if name not in (APERTIUM, OFF):
        log.warning("Translation is off: unknown TRANSLATION_BACKEND %r.", name)
        return OFF
    return name


def covers(source: str, target: str) -> bool:
    """Whether the configured backend translates ``source`` into ``target`` (Django language
    codes). False when translation is off, the languages are the same, or the backend's list of
    pairs cannot be read within ``TRANSLATION_TIMEOUT``."""
    name = backend_name()
    if name == OFF or base_language(source) == base_language(target) or _is_down(name):
        return False
    try:
        return route(name, source, target, _deadline()) is not None
    except Failure as failure:
        _note_failure(name, failure)
        return False


def engine_down() -> bool:
    """Whether the configured backend was found unreachable or too slow within the last
    minute (so ``covers`` and ``translate`` answer False and None without asking it): work
    that waits for it, rather than for a pair it does not cover, is worth asking again."""
    name = backend_name()
    return name != OFF and _is_down(name)


def engine_state() -> tuple[bool | None, str]:
    """Whether the configured backend answers (``None`` when translation is off), and what it
    says: the number of language pairs it lists, or why it does not answer. A backend seen
    down within the last minute is not asked again (a dead engine costs nothing to report)."""
    name = backend_name()
    if name == OFF:
        return None, "off"
    if _is_down(name):
        return False, f"{name}: not answering (asked again within a minute)"
    try:
        pairs = _pairs(name, _deadline())
    except Failure as failure:
        _note_failure(name, failure)
        return False, f"{name}: {failure}"
    return True, f"{name}: {len(pairs)} language pairs"


def translate(text: str, *, source: str, target: str) -> str | None:
    """``text`` translated from ``source`` into ``target`` (Django language codes), with its line
    breaks kept; ``None`` when translation is off, the languages are the same, the backend does
    not cover the pair, fails, or takes longer than ``TRANSLATION_TIMEOUT``. Never raises for
    trouble with the backend."""
    name = backend_name()
    if name == OFF or base_language(source) == base_language(target):
        return None
    key = _result_key(name, text, source, target)
    cached = cache.get(key, _MISS)
    if cached is not _MISS:
        return cached
    if _is_down(name):
        return None
    deadline = _deadline()
    try:
        pair = route(name, source, target, deadline)
        if pair is None:
            return None
        result = call(name, text, pair, deadline) if text.strip() else text
    except Failure as failure:
        _note_failure(name, failure)
        cache.set(key, None, FAILURE_TTL)
        return None
    cache.set(key, result, RESULT_TTL)
    return result


def _result_key(name: str, text: str, source: str, target: str) -> str:
    digest = hashlib.sha256(text.encode()).hexdigest()
    pair = f"{base_language(source)}:{base_language(target)}"
    return f"translation:{backend_id(name)}:{pair}:{digest}"


def _is_down(name: str) -> bool:
    return cache.get(f"translation:down:{backend_id(name)}") is not None


def _note_failure(name: str, failure: Failure) -> None:
    # cache.add is atomic: one process of all those sharing the cache writes the warning.
    if cache.add(f"translation:logged:{backend_id(name)}", 1, FAILURE_TTL):
        log.warning("Translation with %s failed: %s", name, failure)
    if failure.down:
        cache.set(f"translation:down:{backend_id(name)}", 1, FAILURE_TTL)


def _deadline() -> float:
    return time.monotonic() + float(settings.TRANSLATION_TIMEOUT)
