"""The suite's one clock: every test runs at the same "test today", whatever the machine's date.

``TODAY`` is Tuesday 1 December 2026, 10:00 in London, the school's time zone:

- a weekday in the autumn term, in working time (08:00–17:00, R19), so a message sent "now"
  reaches staff at once, and no bank holiday is near (the next is 25 December);
- Greenwich Mean Time, five weeks after the autumn change of the clocks and four months before
  the spring one, so days ahead of it keep their wall-clock times;
- the middle of the school week (Monday 30 November to Friday 4 December 2026) that most tests
  with fixed moments name.

``tests/conftest.py`` travels the whole process there before every test, ticking (so code that
waits on ``time.time()`` still progresses): ``django.utils.timezone.now()``, ``time.time()``,
``datetime.now()`` and ``date.today()`` all read it, in every thread (the live server's, an
embedded Celery worker's), and so do the caches' expiry times. ``at(moment)`` freezes the same
clock at one moment (``tick=False``) for a test that needs it.

A test either uses fixed moments (through ``at()``) or builds its dates from ``now()`` under
this clock, never both. What the clock does not reach: other processes (a subprocess reads the
machine's clock unless its script starts with ``on_this_clock``), the file system's time stamps,
and a database or Redis server's own clock (PostgreSQL's ``now()``, Redis's expiry times).
``docs/testing.md`` says how to run the suite with the machine's clock moved.
"""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo

import time_machine

LONDON = zoneinfo.ZoneInfo("Europe/London")
TODAY = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)


def travel_to_today() -> time_machine.travel:
    """The whole process's clock at ``TODAY``, ticking from there."""
    return time_machine.travel(TODAY, tick=True)


def at(moment: dt.datetime) -> time_machine.travel:
    """The whole process's clock frozen at ``moment`` (aware), for a ``with`` block or as a
    decorator; ``traveller.move_to(later)`` on what the ``with`` gives moves it on.

    The moment is read in London time, so the process's local time zone stays the school's
    (time-machine sets ``TZ`` to the destination's zone while it travels).
    """
    if moment.tzinfo is None:
        raise ValueError(f"The test clock needs an aware datetime, not {moment!r}.")
    return time_machine.travel(moment.astimezone(LONDON), tick=False)


def on_this_clock(script: str) -> str:
    """``script`` (for ``python -c``) run on this process's clock, ticking from now: a
    subprocess otherwise reads the machine's clock, and what it writes to the shared cache
    would expire on another clock than this process reads it with."""
    return f"import time_machine\ntime_machine.travel({time.time()!r}).start()\n{script}"
