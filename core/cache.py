"""The shared cache in production: Redis while it answers, the database while it does not.

The cache is an accelerator, never a dependency. ``ResilientRedisCache`` is Django's
``RedisCache`` with one difference: when Redis does not answer within its short timeouts
(connection refused, a timeout, a Redis that refuses writes), the call is served by a
database cache (``FallbackDatabaseCache``, on the ``dojo_cache_fallback`` table that a migration
makes), and a per-process circuit opens, so that a dead Redis costs one timeout, not one per
call. While the circuit is open every call goes to the database; every ``RETRY_SECONDS`` the
next call first pings Redis, and when it answers the process goes back to it. A line is logged
when Redis goes, at most once a minute while it stays away, and when it is back.

Staleness, across every process of the site:

- The first process to lose Redis empties the fallback of this site's keys (what it holds is
  left from an earlier outage, and may have been invalidated in Redis since), in one
  transaction with marking the outage in ``CacheOutage``; later processes join it.
- The first process to see Redis back empties Redis of this site's keys (only keys under the
  cache's ``KEY_PREFIX``: the Celery broker shares the server, so never ``FLUSHDB``), then
  copies every live fallback entry into Redis with its remaining time, and marks the outage
  over, in one transaction; so invalidations made during the outage hold, and counters and
  once-only guards (``cache.add``) written during it are kept.
- A process that was still on the fallback when another ended the outage replays the deletes it
  made meanwhile when it comes back (at most ``RETRY_SECONDS`` later). What it *wrote* in that
  window stays in the fallback only: a rate-limit count can be split for those few seconds.

The fallback writes on its own database connection (``CACHE_FALLBACK_DATABASE``; on SQLite the
default one, whose writers are serialised anyway), so a rate-limit failure counted inside a
transaction that is then rolled back still counts, and a failing cache query never breaks the
request's own transaction. When the fallback fails too, a call answers "not cached" (a miss, a
write that did nothing, ``add`` refused), except under :func:`strict`, where it raises
``CacheUnavailable``: rate limits use it to refuse rather than let unlimited attempts through.
"""

from __future__ import annotations

import base64
import contextvars
import datetime as dt
import logging
import pickle
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError, IntegrityError, router, transaction
from django.utils import timezone
from redis.backoff import NoBackoff
from redis.retry import Retry

from .models import CacheFallbackEntry, CacheOutage

logger = logging.getLogger(__name__)

FALLBACK_TABLE = CacheFallbackEntry._meta.db_table
# Redis does not answer: down, unreachable, too slow, or refusing writes (full, read-only).
REDIS_DOWN = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    redis.exceptions.ReadOnlyError,
    redis.exceptions.OutOfMemoryError,
)
LOG_EVERY_SECONDS = 60.0
COPY_BATCH = 500
# A fallback big enough never to cull in an outage: culling would drop rate-limit counters.
FALLBACK_MAX_ENTRIES = 1_000_000
NEVER = dt.datetime.max.replace(tzinfo=dt.timezone.utc)

_strict: contextvars.ContextVar[bool] = contextvars.ContextVar("dojo_cache_strict", default=False)


class CacheUnavailable(Exception):
    """Neither Redis nor the database answered a cache call made under :func:`strict`."""


@contextmanager
def strict() -> Iterator[None]:
    """Inside, a cache call that neither Redis nor the fallback can serve raises
    ``CacheUnavailable`` instead of answering "not cached"."""
    token = _strict.set(True)
    try:
        yield
    finally:
        _strict.reset(token)


class FallbackRouter:
    """Sends the fallback cache's table to ``CACHE_FALLBACK_DATABASE`` (its own connection)."""

    def _route(self, model: Any) -> str | None:
        if getattr(model._meta, "db_table", None) in {FALLBACK_TABLE, CacheOutage._meta.db_table}:
            return str(getattr(settings, "CACHE_FALLBACK_DATABASE", "default"))
        return None

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return self._route(model)

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return self._route(model)


def _pickled(value: Any) -> str:
    return base64.b64encode(pickle.dumps(value, pickle.HIGHEST_PROTOCOL)).decode("latin1")


def _unpickled(text: str) -> Any:
    # Only ever what this process's cache wrote into its own table.
    return pickle.loads(base64.b64decode(text.encode("latin1")))  # noqa: S301


class FallbackDatabaseCache(DatabaseCache):
    """Django's database cache with ``add`` and ``incr`` atomic across processes: ``add`` is a
    once-only guard and ``incr`` a rate-limit counter, and neither may be won twice."""

    def _db(self) -> str:
        return router.db_for_write(self.cache_model_class) or "default"

    def _expiry(self, timeout: Any) -> dt.datetime:
        seconds = self.get_backend_timeout(timeout)
        if seconds is None:
            return NEVER
        return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc).replace(microsecond=0)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        made = self.make_and_validate_key(key, version=version)
        db, now, expires = self._db(), timezone.now(), self._expiry(timeout)
        entries = CacheFallbackEntry.objects.using(db)
        try:
            with transaction.atomic(using=db):
                entries.filter(cache_key=made, expires__lte=now).delete()
                entries.create(cache_key=made, value=_pickled(value), expires=expires)
        except IntegrityError:  # another process holds it
            return False
        return True

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        made = self.make_and_validate_key(key, version=version)
        db = self._db()
        with transaction.atomic(using=db):
            entry = (
                CacheFallbackEntry.objects.using(db)
                .select_for_update()
                .filter(cache_key=made, expires__gt=timezone.now())
                .first()
            )
            if entry is None:
                raise ValueError(f"Key '{key}' not found.")
            value = _unpickled(entry.value) + delta
            entry.value = _pickled(value)
            entry.save(update_fields=["value"])
        return int(value)


@dataclass
class Breaker:
    """One process's view of one Redis cache: closed (use Redis) or open (use the database)."""

    retry_seconds: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    opened_at: float | None = None  # time.monotonic(): the test clock never freezes it
    retry_at: float = 0.0
    logged_at: float = -LOG_EVERY_SECONDS
    served: int = 0  # calls served by the fallback since the last log line
    deleted: set[str] = field(default_factory=set)
    cleared: bool = False

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None

    def redis_due(self) -> bool:
        """Whether this call should try Redis: the circuit is closed, or it is time to probe."""
        return self.opened_at is None or time.monotonic() >= self.retry_at

    def trip(self) -> bool:
        """Open (or keep open) the circuit; True when it was closed until now."""
        with self.lock:
            now = time.monotonic()
            self.retry_at = now + self.retry_seconds
            if self.opened_at is not None:
                return False
            self.opened_at, self.deleted, self.cleared = now, set(), False
            return True

    def close(self) -> float:
        """Close the circuit; returns how long it was open, in seconds."""
        with self.lock:
            opened, self.opened_at, self.deleted, self.cleared = self.opened_at, None, set(), False
            self.served = 0
            return time.monotonic() - opened if opened is not None else 0.0

    def served_since_logged(self) -> int | None:
        """Count a call served by the fallback; once a minute, the count to log (else None)."""
        with self.lock:
            self.served += 1
            now = time.monotonic()
            if now - self.logged_at < LOG_EVERY_SECONDS:
                return None
            served, self.served, self.logged_at = self.served, 0, now
            return served

    def logged_now(self) -> None:
        with self.lock:
            self.logged_at, self.served = time.monotonic(), 0

    def deletes(self) -> tuple[bool, set[str]]:
        """Whether this process cleared the cache while away, and the keys it deleted."""
        with self.lock:
            return self.cleared, set(self.deleted)


_breakers: dict[tuple[str, str], Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(location: str, prefix: str, retry_seconds: float) -> Breaker:
    """The process's one breaker for this Redis and key prefix (a cache object is made per
    thread; the circuit is the process's)."""
    with _breakers_lock:
        breaker = _breakers.get((location, prefix))
        if breaker is None:
            breaker = _breakers[(location, prefix)] = Breaker(retry_seconds)
        return breaker


def breakers_reset() -> None:
    """Forget every circuit of this process (for tests: no state leaks from one to the next)."""
    with _breakers_lock:
        _breakers.clear()


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, served by the database while Redis does not answer.

    ``OPTIONS`` as for ``RedisCache`` (``socket_connect_timeout`` and ``socket_timeout`` default
    to half a second; redis-py's own retries are off: the circuit decides), plus
    ``RETRY_SECONDS`` (default 5): how long the circuit stays open before Redis is tried again.
    """

    # Django's Redis client wrapper, a cached property of RedisCache that django-stubs does not
    # declare (nor its serializer, which ``_copy_into`` uses).
    _cache: Any

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        options["retry"] = Retry(NoBackoff(), 0)
        super().__init__(server, {**params, "OPTIONS": options})
        self._prefix = str(params.get("KEY_PREFIX", ""))
        self._fallback = FallbackDatabaseCache(
            FALLBACK_TABLE,
            {
                **{name: params[name] for name in ("TIMEOUT", "VERSION") if name in params},
                "KEY_PREFIX": self._prefix,
                "KEY_FUNCTION": params.get("KEY_FUNCTION"),
                "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES},
            },
        )
        self.location = str(server)
        self._breaker = breaker_for(self.location, self._prefix, retry_seconds)

    def _redis(self) -> Any:
        """Django's Redis client wrapper (its serializer, its connection pools)."""
        return self._cache

    def _client(self) -> Any:
        return self._redis().get_client(write=True)

    # The cache's calls: each is Redis's, unless Redis does not answer.

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return bool(self._call("add", (key, value, timeout, version), False))

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._call("get", (key, default, version), default)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._call("set", (key, value, timeout, version), None)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return bool(self._call("touch", (key, timeout, version), False))

    def delete(self, key: Any, version: Any = None) -> bool:
        self._remember_deleted([key], version)
        return bool(self._call("delete", (key, version), False))

    def get_many(self, keys: Iterable[Any], version: Any = None) -> dict[Any, Any]:
        keys = list(keys)
        return dict(self._call("get_many", (keys, version), {}))

    def has_key(self, key: Any, version: Any = None) -> bool:
        return bool(self._call("has_key", (key, version), False))

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        return int(self._call("incr", (key, delta, version), _RAISE_MISSING))

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[Any]:
        return list(self._call("set_many", (data, timeout, version), list(data)))

    def delete_many(self, keys: Iterable[Any], version: Any = None) -> None:
        keys = list(keys)
        self._remember_deleted(keys, version)
        self._call("delete_many", (keys, version), None)

    def clear(self) -> None:
        """Empty this site's keys only (never ``FLUSHDB``: the broker shares the server)."""
        if self._breaker.is_open:
            self._breaker.cleared = True
        self._call("clear", (), None)

    def _redis_clear(self) -> None:
        self._delete_prefix(self._client())

    # What ``healthz`` reports.

    def state(self) -> str:
        """``up``, or ``down`` with since when this process has served from the database."""
        self.get("dojo_portal:healthz")  # a real call, so the circuit is as Redis is now
        opened = self._breaker.opened_at
        if opened is None:
            return "up"
        since = timezone.localtime() - dt.timedelta(seconds=time.monotonic() - opened)
        return f"down (the database stands in since {since:%H:%M:%S})"

    # The circuit.

    def _call(self, name: str, args: tuple[Any, ...], degraded: Any) -> Any:
        breaker = self._breaker
        if breaker.redis_due():
            try:
                if breaker.is_open:
                    self._come_back()
                return self._redis_call(name, args)
            except REDIS_DOWN as error:
                self._fail_over(error)
        return self._fallback_call(name, args, degraded)

    def _redis_call(self, name: str, args: tuple[Any, ...]) -> Any:
        if name == "clear":
            return self._redis_clear()
        return getattr(super(), name)(*args)

    def _fallback_call(self, name: str, args: tuple[Any, ...], degraded: Any) -> Any:
        served = self._breaker.served_since_logged()
        if served is not None:
            logger.warning(
                "cache: Redis does not answer; %d calls served from the database in the last "
                "minute",
                served,
            )
        try:
            if name == "clear":
                return self._fallback_clear()
            return getattr(self._fallback, name)(*args)
        except DatabaseError:
            if _strict.get():
                raise CacheUnavailable(name) from None
            logger.exception("cache: neither Redis nor the database answered %s", name)
            if degraded is _RAISE_MISSING:
                raise ValueError("not cached") from None
            return degraded

    def _fallback_clear(self) -> None:
        CacheFallbackEntry.objects.using(self._fallback._db()).filter(
            cache_key__startswith=f"{self._prefix}:"
        ).delete()

    def _remember_deleted(self, keys: Iterable[Any], version: Any) -> None:
        if self._breaker.is_open:
            made = {self.make_and_validate_key(key, version=version) for key in keys}
            with self._breaker.lock:
                self._breaker.deleted |= made

    def _fail_over(self, error: Exception) -> None:
        if not self._breaker.trip():
            return  # a probe failed: still down
        logger.warning("cache: Redis does not answer (%s); the database stands in", error)
        self._breaker.logged_now()
        try:
            self._outage_begin()
        except DatabaseError:
            logger.exception("cache: could not mark the outage in the database")

    def _outage_begin(self) -> None:
        """Join the outage, or begin it: empty the fallback of this site's keys, once."""
        db = self._fallback._db()
        with transaction.atomic(using=db):
            outage = self._outage_row(db)
            if outage.down_since is None:
                self._fallback_clear()
                outage.down_since = timezone.now()
                outage.save(update_fields=["down_since"])

    def _come_back(self) -> None:
        """Redis answers again: end the outage (once for all processes), then replay what this
        process deleted while away. Raises ``REDIS_DOWN`` when Redis is still away."""
        client = self._client()
        client.ping()
        cleared, deleted = self._breaker.deletes()
        try:
            copied = self._outage_end(client)
        except DatabaseError:
            # Nobody can say what changed meanwhile: an empty cache is slower, never stale.
            logger.exception("cache: could not end the outage in the database")
            copied, cleared = None, True
        if cleared:
            self._delete_prefix(client)
        elif deleted:
            client.delete(*deleted)
        seconds = self._breaker.close()
        logger.warning(
            "cache: Redis answers again after %.0f s%s",
            seconds,
            f"; {copied} entries copied back from the database" if copied is not None else "",
        )

    def _outage_end(self, client: Any) -> int | None:
        """Empty Redis of this site's keys and copy the fallback's live entries into it, if no
        other process has done so since the outage began. Returns the entries copied."""
        db = self._fallback._db()
        with transaction.atomic(using=db):
            outage = self._outage_row(db)
            if outage.down_since is None:
                return None
            self._delete_prefix(client)
            copied = self._copy_into(client, db)
            outage.down_since, outage.ended_at = None, timezone.now()
            outage.save(update_fields=["down_since", "ended_at"])
        return copied

    def _outage_row(self, db: str) -> CacheOutage:
        outages = CacheOutage.objects.using(db)
        outage = outages.select_for_update().filter(key_prefix=self._prefix).first()
        if outage is None:
            try:
                with transaction.atomic(using=db):
                    outages.create(key_prefix=self._prefix)
            except IntegrityError:
                pass  # made at the same moment by another process
            outage = outages.select_for_update().get(key_prefix=self._prefix)
        return outage

    def _delete_prefix(self, client: Any) -> None:
        pattern = f"{_glob_escape(self._prefix)}:*"
        batch: list[bytes] = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= COPY_BATCH:
                client.unlink(*batch)
                batch = []
        if batch:
            client.unlink(*batch)

    def _copy_into(self, client: Any, db: str) -> int:
        now = timezone.now()
        entries = (
            CacheFallbackEntry.objects.using(db)
            .filter(cache_key__startswith=f"{self._prefix}:", expires__gt=now)
            .values_list("cache_key", "value", "expires")
        )
        serializer = self._redis()._serializer
        pipe, copied = client.pipeline(transaction=False), 0
        for made, value, expires in entries.iterator(chunk_size=COPY_BATCH):
            data = serializer.dumps(_unpickled(value))
            if expires.year == NEVER.year:
                pipe.set(made, data)
            else:
                pipe.set(made, data, px=max(1, int((expires - now).total_seconds() * 1000)))
            copied += 1
            if copied % COPY_BATCH == 0:
                pipe.execute()
        pipe.execute()
        return copied


class _RaiseMissing:
    """``incr`` with nothing to answer: a missing key, as Django's caches say it."""


_RAISE_MISSING = _RaiseMissing()


def _glob_escape(text: str) -> str:
    return "".join(f"\\{char}" if char in "*?[]\\" else char for char in text)


def cache_state(alias: str = "default") -> str:
    """What ``/healthz`` says of the shared cache: ``up``, or ``down`` and since when."""
    backend = caches[alias]
    if isinstance(backend, ResilientRedisCache):
        return backend.state()
    return _plain_state(backend.get, backend.set)


def _plain_state(get: Callable[..., Any], put: Callable[..., Any]) -> str:
    try:
        put("dojo_portal:healthz", 1, 60)
        get("dojo_portal:healthz")
    except Exception as error:  # a file cache on a full or read-only disk
        return f"down ({type(error).__name__})"
    return "up"
