"""The shared cache is an accelerator, never a dependency (issue 13): with Redis stopped every
cache call is served by the database within a short timeout, one timeout per process and not
one per call; nothing invalidated while Redis was away is served stale when it returns, nor at
the next outage; once-only guards hold across processes; and clearing the cache never touches
the broker's keys. Against a real Redis that each test starts on its own port and stops."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.cache import cache, caches
from django.db import connections, router

from core.cache import Breaker, CacheUnavailable, ResilientRedisCache, cache_state, strict
from core.models import CacheFallbackEntry, CacheOutage
from tests.private_redis import private_redis, production_cache

__all__ = ["private_redis"]  # the fixture

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, databases="__all__")]


def another_process() -> ResilientRedisCache:
    """The same cache as another process sees it: its own circuit."""
    backend = caches["default"]
    assert isinstance(backend, ResilientRedisCache)
    other = ResilientRedisCache(backend.location, caches.settings["default"])
    other._breaker = Breaker(backend._breaker.retry_seconds)
    return other


def test_with_redis_stopped_cache_calls_are_served_by_the_database(private_redis) -> None:
    with production_cache(private_redis):
        cache.set("school", "New Village", 60)
        assert cache.get("school") == "New Village"
        private_redis.stop()

        started = time.monotonic()
        assert cache.get("school") is None  # the database knows nothing of Redis's entries
        cache.set("school", "New Village", 60)
        assert cache.get("school") == "New Village"
        assert cache.add("guard", 1, 60) is True
        assert cache.add("guard", 1, 60) is False
        cache.set("count", 1, 60)
        assert cache.incr("count") == 2
        assert cache.get_many(["school", "count"]) == {"school": "New Village", "count": 2}
        cache.delete("school")
        assert cache.get("school") is None
        assert time.monotonic() - started < 1.5
        assert "down" in cache_state()


def test_a_dead_redis_costs_one_timeout_per_process_not_one_per_call(private_redis) -> None:
    """Redis that accepts connections and then says nothing (stopped with SIGSTOP)."""
    with production_cache(private_redis, retry_seconds=60):
        cache.set("warm", 1, 60)
        with private_redis.paused():
            started = time.monotonic()
            for number in range(200):
                cache.get(f"key-{number}")
            assert time.monotonic() - started < 1.5  # one socket timeout (0.5 s), then the DB


def test_a_delete_made_while_redis_was_down_holds_when_it_returns(private_redis) -> None:
    with production_cache(private_redis):
        cache.set("conduct:parent", 3, 3600)
        private_redis.stop()
        cache.get("anything")  # this process now serves from the database
        cache.delete("conduct:parent")  # version 4 is published during the outage
        cache.set("bell:7", 2, 3600)
        cache.add("pupil-lock-notice:9", 1, 3600)
        private_redis.start()
        time.sleep(0.35)  # the circuit's retry time

        assert cache.get("conduct:parent") is None  # Redis's old 3 was emptied on return
        assert cache.get("bell:7") == 2  # what the outage wrote was copied back into Redis
        assert cache.add("pupil-lock-notice:9", 1, 3600) is False  # and its guards hold
        assert cache_state() == "up"
        assert CacheOutage.objects.get().down_since is None


def test_a_value_left_in_the_database_is_not_served_at_the_next_outage(private_redis) -> None:
    with production_cache(private_redis):
        private_redis.stop()
        cache.set("school", "Old name", 3600)  # written during the first outage
        private_redis.start()
        time.sleep(0.35)
        cache.delete("school")  # renamed while Redis is up: only Redis hears of it
        private_redis.stop()

        assert cache.get("school") is None  # the second outage starts with an empty stand-in


def test_another_process_still_on_the_database_replays_its_deletes_when_it_returns(
    private_redis,
) -> None:
    with production_cache(private_redis):
        other = another_process()
        private_redis.stop()
        cache.get("x")
        other.get("x")
        private_redis.start()
        time.sleep(0.35)
        cache.set("bell:7", 5, 3600)  # this process is back on Redis first
        other._breaker.retry_at = time.monotonic() + 60  # the other one has not tried yet
        other.delete("bell:7")  # a notification was read there
        assert cache.get("bell:7") == 5  # (stale for the few seconds until it tries again)
        other._breaker.retry_at = 0
        other.get("y")

        assert cache.get("bell:7") is None


def test_once_only_guards_hold_across_processes_during_an_outage(private_redis) -> None:
    with production_cache(private_redis):
        other = another_process()
        private_redis.stop()

        assert cache.add("pupil-lock-notice:9", 1, 3600) is True
        assert other.add("pupil-lock-notice:9", 1, 3600) is False
        cache.set("count", 0, 60)
        assert [cache.incr("count"), other.incr("count"), cache.incr("count")] == [1, 2, 3]


def test_clearing_the_cache_never_touches_the_brokers_keys(private_redis) -> None:
    client = private_redis.client()
    client.lpush("celery", "a task")
    client.set("other-site:1:school", "theirs")
    with production_cache(private_redis):
        cache.set("school", "ours", 60)
        cache.clear()

        assert cache.get("school") is None
    assert client.lrange("celery", 0, -1) == [b"a task"]
    assert client.get("other-site:1:school") == b"theirs"


def test_an_outage_is_logged_once_a_minute_not_per_call(private_redis, caplog) -> None:
    with production_cache(private_redis):
        private_redis.stop()
        with caplog.at_level(logging.WARNING, logger="core.cache"):
            for number in range(50):
                cache.get(f"key-{number}")
        assert len(caplog.records) == 1
        assert "Redis does not answer" in caplog.records[0].getMessage()


def test_without_redis_or_the_database_strict_calls_raise_and_others_miss(
    private_redis,
) -> None:
    with production_cache(private_redis), table_gone():
        private_redis.stop()

        assert cache.get("school", "default") == "default"
        assert cache.add("guard", 1) is False  # never "you hold it" when nobody can say
        cache.set("school", "x")  # nothing happens, nothing raises
        with strict(), pytest.raises(CacheUnavailable):
            cache.get("school")


@contextmanager
def table_gone() -> Iterator[None]:
    """The database stand-in fails too (its table is missing)."""
    connection = connections[router.db_for_write(CacheFallbackEntry)]
    with connection.schema_editor() as editor:
        editor.delete_model(CacheFallbackEntry)
    try:
        yield
    finally:
        with connection.schema_editor() as editor:
            editor.create_model(CacheFallbackEntry)


def test_outage_rows_live_in_the_fallback_table_only_under_the_prefix(private_redis) -> None:
    with production_cache(private_redis):
        private_redis.stop()
        cache.set("school", "x", 60)
        prefix = caches["default"].key_prefix
        assert [entry.cache_key for entry in CacheFallbackEntry.objects.all()] == [
            f"{prefix}:1:school"
        ]
