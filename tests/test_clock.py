"""The suite's test clock (``tests.clock``): every test starts at the same "test today" on every
clock the process reads, in every thread, whatever the machine's date; ``at()`` freezes it."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from tests.clock import LONDON, TODAY, at

SECOND = dt.timedelta(seconds=1)


def readings() -> dict[str, dt.datetime]:
    """What each clock of the process says, as an aware moment."""
    return {
        "timezone.now": timezone.now(),
        "time.time": dt.datetime.fromtimestamp(time.time(), dt.UTC),
        "datetime.now": dt.datetime.now(LONDON),
        "time.localtime": dt.datetime(*time.localtime()[:6], tzinfo=LONDON),
    }


def test_every_clock_starts_at_the_test_today() -> None:
    for clock, moment in readings().items():
        assert TODAY <= moment < TODAY + 60 * SECOND, clock
    assert dt.date.today() == timezone.localdate() == dt.date(2026, 12, 1)


def test_another_thread_reads_the_same_clock() -> None:
    seen: list[dict[str, dt.datetime]] = []
    thread = threading.Thread(target=lambda: seen.append(readings()))
    thread.start()
    thread.join(timeout=10)

    (theirs,) = seen
    for clock, moment in theirs.items():
        assert TODAY <= moment < TODAY + 60 * SECOND, clock


def test_the_test_today_ticks_so_waiting_on_time_ends() -> None:
    deadline = time.time() + 0.05
    while time.time() < deadline:
        time.sleep(0.01)
    assert timezone.now() > TODAY


def test_at_freezes_every_clock_and_today_ticks_on_after_it() -> None:
    moment = dt.datetime(2027, 7, 20, 9, 30, tzinfo=LONDON)
    with at(moment) as clock:
        time.sleep(0.02)
        assert set(readings().values()) == {moment}
        assert dt.date.today() == moment.date()
        clock.move_to(moment + SECOND)
        assert timezone.now() == moment + SECOND
    assert TODAY <= timezone.now() < TODAY + 60 * SECOND


def test_at_refuses_a_naive_moment() -> None:
    with pytest.raises(ValueError, match="aware"):
        at(dt.datetime(2026, 12, 1, 10, 0))


def test_the_cache_expires_on_the_test_clock() -> None:
    """The file cache (and the local-memory one) stamp their entries with time.time(): a test
    that moves the clock past an entry's timeout finds it gone. Redis keeps its own clock."""
    if "redis" in str(settings.CACHES["default"]["BACKEND"]).lower():
        pytest.skip("Redis expires entries on the server's clock, which no test moves")
    cache.set("clock-test", "kept", 60)
    with at(timezone.now() + 59 * SECOND):
        assert cache.get("clock-test") == "kept"
    with at(timezone.now() + 61 * SECOND):
        assert cache.get("clock-test") is None
