"""Failure counting shared by every process (Redis in production, the file cache otherwise).

A limit counts failures per key over a window that starts at the first failure; once the count
reaches the limit, every attempt is refused until the window ends, even one with the right
answer. Keys are hashed so no email address or code lands in the cache in clear.

Without Redis the counts go on in the database that stands in for it (``core.cache``),
which counts atomically across processes. When neither answers, a limit cannot say whether an
attempt is allowed, so it refuses it: every call raises ``LimitUnavailable`` (a
``ValidationError`` that says to try again in a minute), never lets it through unchecked.

A window is judged by the time of its first failure (kept beside the count), not by the
cache's expiry, so it ends when the portal's clock says so; the cache's expiry only removes
the entries afterwards.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .cache import CacheUnavailable, strict

TRY_AGAIN_SOON = _("This can't be checked just now. Please try again in a minute.")
# The cache keeps an entry this much longer than its window, so a window never ends early.
EXPIRY_MARGIN_SECONDS = 60


class LimitUnavailable(ValidationError):
    """Neither Redis nor the database can say how many failures there were: try again soon."""

    def __init__(self) -> None:
        super().__init__(TRY_AGAIN_SOON, code="limit_unavailable")


@contextmanager
def _counting() -> Iterator[None]:
    try:
        with strict():
            yield
    except CacheUnavailable as error:
        raise LimitUnavailable from error


@dataclass(frozen=True)
class FailureLimit:
    scope: str
    limit: int
    window: dt.timedelta

    def _key(self, ident: str) -> str:
        digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
        return f"ratelimit:{self.scope}:{digest}"

    @property
    def _seconds(self) -> float:
        return self.window.total_seconds()

    @property
    def _expiry(self) -> int:
        return int(self._seconds) + EXPIRY_MARGIN_SECONDS

    def blocked_until(self, *idents: str) -> dt.datetime | None:
        """When the last window of the ``idents`` that used up their failures ends; None when
        none has."""
        now, ends = timezone.now().timestamp(), []
        for count, since in self._windows(idents):
            if count >= self.limit and now < since + self._seconds:
                ends.append(since + self._seconds)
        return dt.datetime.fromtimestamp(max(ends), tz=dt.timezone.utc) if ends else None

    def is_blocked(self, *idents: str) -> bool:
        """True when any of ``idents`` has used up its failures."""
        return self.blocked_until(*idents) is not None

    def failures(self, ident: str) -> int:
        """The failures of ``ident`` in its current window."""
        now = timezone.now().timestamp()
        return sum(count for count, since in self._windows([ident]) if now < since + self._seconds)

    def _windows(self, idents: tuple[str, ...] | list[str]) -> list[tuple[int, float]]:
        keys = [self._key(ident) for ident in idents if ident]
        with _counting():
            found = cache.get_many([*keys, *(f"{key}:since" for key in keys)])
        return [
            (int(found[key]), float(found[f"{key}:since"]))
            for key in keys
            if key in found and f"{key}:since" in found
        ]

    def record_failure(self, *idents: str) -> None:
        for ident in idents:
            if ident:
                self.count_failure(ident)

    def count_failure(self, ident: str) -> int:
        """Count one failure of ``ident``; returns its failures in the window, this one
        included (atomic across processes: the limit-th failure is counted by one of them)."""
        key, since_key = self._key(ident), f"{self._key(ident)}:since"
        now = timezone.now().timestamp()
        with _counting():
            since = cache.get(since_key)
            if since is not None and now >= float(since) + self._seconds:
                cache.delete_many([key, since_key])  # the window is over: a new one starts
                since = None
            if since is None:
                cache.add(since_key, now, self._expiry)
                cache.add(key, 0, self._expiry)
                since = cache.get(since_key, now)
            try:
                count = cache.incr(key)
            except ValueError:  # the count expired just now
                cache.set(key, 1, self._expiry)
                count = 1
            # The count lives as long as its window: Django's incr on the file cache sets the
            # default timeout again, and Redis's INCR of a key that had just expired sets none.
            left = float(since) + self._seconds + EXPIRY_MARGIN_SECONDS - now
            cache.touch(key, max(1, int(left)))
        return int(count)

    def reset(self, *idents: str) -> None:
        keys = [self._key(ident) for ident in idents if ident]
        with _counting():
            cache.delete_many([*keys, *(f"{key}:since" for key in keys)])


def client_ip(request: object) -> str:
    """The client's address as the web server saw it (nginx sets X-Real-IP in production)."""
    meta = getattr(request, "META", {})
    if settings.TRUST_X_REAL_IP and meta.get("HTTP_X_REAL_IP"):
        return str(meta["HTTP_X_REAL_IP"])
    return str(meta.get("REMOTE_ADDR") or "")
