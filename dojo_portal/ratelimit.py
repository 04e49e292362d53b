"""Failure counting shared by every process (Redis in production, the file cache otherwise).

A limit counts failures per key over a window that starts at the first failure; once the count
reaches the limit, every attempt is refused until the window ends, even one with the right
answer. Keys are hashed so no email address or code lands in the cache in clear.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class FailureLimit:
    scope: str
    limit: int
    window: timedelta

    def _key(self, ident: str) -> str:
        digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
        return f"ratelimit:{self.scope}:{digest}"

    def is_blocked(self, *idents: str) -> bool:
        """True when any of ``idents`` has used up its failures."""
        keys = [self._key(i) for i in idents if i]
        counts = cache.get_many(keys)
        return any(int(count) >= self.limit for count in counts.values())

    def record_failure(self, *idents: str) -> None:
        for ident in idents:
            if not ident:
                continue
            key = self._key(ident)
            if cache.add(key, 1, timeout=int(self.window.total_seconds())):
                continue
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=int(self.window.total_seconds()))

    def reset(self, *idents: str) -> None:
        cache.delete_many([self._key(i) for i in idents if i])


def client_ip(request: object) -> str:
    """The client's address as the web server saw it (nginx sets X-Real-IP in production)."""
    meta = getattr(request, "META", {})
    if settings.TRUST_X_REAL_IP and meta.get("HTTP_X_REAL_IP"):
        return str(meta["HTTP_X_REAL_IP"])
    return str(meta.get("REMOTE_ADDR") or "")
