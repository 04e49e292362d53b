"""Cached answers that one change drops at once, for every person they were kept for.

A cached answer is stored with the *generation* of what it depends on (a random token kept in
the cache under a name); a change replaces the token, so every answer stored with the old one is
no longer read, wherever and for whomever it was stored.

Failing closed: the cache is an accelerator, never the truth. A read that the cache cannot
serve (Redis and its database stand-in both down, a file cache on a full or unreadable disk) is a
miss, and the caller asks the database. A change replaces the token under ``core.cache.strict``,
inside the change's transaction: when the cache cannot take it, the change fails with it (an
error the person sees) rather than leave an answer that was true before the change. It replaces
the token again when the transaction commits, so that an answer computed meanwhile from the rows
as they were before the commit is not kept either.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from django.core.cache import cache
from django.db import transaction

from .cache import strict

logger = logging.getLogger(__name__)

GENERATION_KEY = "generation:{name}"


def cached_many(keys: list[str]) -> dict[str, Any]:
    """The cached values of ``keys`` that the cache holds; nothing when it cannot answer."""
    try:
        return dict(cache.get_many(keys))
    except Exception:  # a file cache on a broken disk: a miss, and the database answers
        logger.exception("cache: a read failed; the database answers")
        return {}


def cached_put(key: str, value: Any, timeout: int) -> None:
    """Keep ``value`` if the cache can; an answer not kept is only asked again."""
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.exception("cache: a write failed; the answer is not kept")


def generation(name: str, cached: dict[str, Any] | None = None) -> str:
    """The current generation of ``name`` (from ``cached``, a :func:`cached_many` answer that
    asked for :func:`generation_key`, when given). A missing one is made, so that what is
    stored from now on is stored with it."""
    key = generation_key(name)
    token = (cached if cached is not None else cached_many([key])).get(key)
    if token is None:
        token = secrets.token_hex(8)
        try:
            if not cache.add(key, token, None):
                token = cache.get(key) or token
        except Exception:
            logger.exception("cache: a write failed; the answer is not kept")
    return str(token)


def generation_key(name: str) -> str:
    return GENERATION_KEY.format(name=name)


def generation_bump(name: str) -> None:
    """Drop every answer kept with the current generation of ``name``: now (raising when the
    cache cannot take it, so the change fails with it) and again on commit."""
    _bump(name)
    transaction.on_commit(lambda: _bump_after_commit(name))


def _bump(name: str) -> None:
    with strict():
        cache.set(generation_key(name), secrets.token_hex(8), None)


def _bump_after_commit(name: str) -> None:
    try:
        _bump(name)
    except Exception:
        # The change is committed; the token replaced inside it already holds unless an answer
        # was computed in the instant before the commit. Entries expire (callers' timeouts).
        logger.exception("cache: could not drop answers kept before a change")


def cache_forget(key: str) -> None:
    """Drop one cached answer that a change makes false: now (raising when the cache cannot
    take it, so the change fails with it) and again on commit, as :func:`generation_bump`."""
    _forget(key)
    transaction.on_commit(lambda: _forget_after_commit(key))


def _forget(key: str) -> None:
    with strict():
        cache.delete(key)


def _forget_after_commit(key: str) -> None:
    try:
        _forget(key)
    except Exception:
        logger.exception("cache: could not drop an answer kept before a change")
