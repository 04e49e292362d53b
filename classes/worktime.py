"""R19 and R21: the school's working-time calendar, the one place that knows when staff work.

Working time (R19) is the school's working days (Monday–Friday by default) from
``working_day_starts`` (inclusive, 08:00) to ``working_day_ends`` (exclusive, 17:00: a message
at 17:00 is already in quiet time), in the school's time zone, except England's bank holidays
(from the ``holidays`` package, substitute days included) and the closure days that the office
enters. Everything else is quiet time.

The reply promise (R21) counts clock hours on working days only: a working day counts whole
(24 hours, midnight to midnight) and a weekend, bank holiday or closure day stops the clock for
the whole day. So a message delivered Friday 10:00 is due Tuesday 10:00, and one delivered
Monday 08:00 is due Wednesday 08:00. See ``Calendar.add_working_hours`` for the edge cases.

Usage: build a ``Calendar`` once where it is needed (``calendar_for()``: the cached school and
one query for closures), then ask it as many questions as you like without touching the
database. A ``Calendar`` is an immutable value and its answers depend on nothing else.

Time zones: every datetime taken or returned is aware; naive ones are refused. Days and times of
day are read on the school's wall clock (``zoneinfo``), so the changes to and from summer time
keep wall-clock times: 08:00 is 08:00 on either side of them. A time of day that the clocks skip
is read as the moment just after the skip (01:30 on the spring change in London is 02:30 BST),
and a time of day that the clocks repeat is its first occurrence.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils import timezone

if TYPE_CHECKING:
    from .models import School

DAY = timedelta(days=1)

# R19: bank holidays are England's. A school elsewhere enters its own holidays as closures.
BANK_HOLIDAY_COUNTRY = "GB"
BANK_HOLIDAY_SUBDIVISION = "ENG"

# R21: the reply window when settings.REPLY_WINDOW_HOURS is not set.
DEFAULT_REPLY_WINDOW_HOURS = 48


class DateRange(Protocol):
    """Anything with inclusive ``starts_on`` and ``ends_on`` dates, such as a ``Closure``."""

    @property
    def starts_on(self) -> date: ...

    @property
    def ends_on(self) -> date: ...


@functools.lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """England's bank holidays in ``year``, substitute ("observed") days included.

    Computed once per year and process, only for the years that a question touches. Years
    beyond the package's range (2100 for holidays 0.109) have none.
    """
    found = holidays.country_holidays(
        BANK_HOLIDAY_COUNTRY, subdiv=BANK_HOLIDAY_SUBDIVISION, years=year
    )
    return frozenset(found.keys())


def _merge(ranges: Iterable[DateRange]) -> tuple[tuple[date, date], ...]:
    """Closures as sorted, non-overlapping (first day, last day) pairs; touching or overlapping
    closures become one, so a run of closed days is skipped in one step."""
    merged: list[tuple[date, date]] = []
    for first, last in sorted((r.starts_on, r.ends_on) for r in ranges):
        if merged and first <= merged[-1][1] + DAY:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return tuple(merged)


def _require_aware(at: datetime) -> None:
    if timezone.is_naive(at):
        raise ValueError(f"The calendar needs an aware datetime, not {at!r}.")


@dataclass(frozen=True)
class Calendar:
    """The school's working time: when staff work, and how the reply clock counts (R19, R21).

    ``closures`` are merged (first day, last day) pairs: every closure of the school, so any
    day is answered, however long ago (an old thread's reply time, an export, retention).
    """

    tz: ZoneInfo
    working_weekdays: frozenset[int]
    day_starts: time
    day_ends: time
    closures: tuple[tuple[date, date], ...] = ()

    # Days

    def closure_ending(self, day: date) -> date | None:
        """The last day of the closure that covers ``day``, or None when no closure does."""
        index = bisect.bisect_right(self.closures, day, key=lambda pair: pair[0]) - 1
        if index >= 0 and self.closures[index][1] >= day:
            return self.closures[index][1]
        return None

    def is_working_day(self, day: date) -> bool:
        """True when ``day`` is one of the school's working weekdays and neither a bank holiday
        nor a closure day."""
        return (
            day.isoweekday() in self.working_weekdays
            and self.closure_ending(day) is None
            and day not in bank_holidays(day.year)
        )

    def next_working_day(self, day: date) -> date:
        """The first working day on or after ``day``.

        A closure is skipped in one step, so the cost grows with the weekends and holidays
        passed, never with a closure's length. Raises ``OverflowError`` if no working day comes
        before ``date.max`` (a closure entered with no end).
        """
        while not self.is_working_day(day):
            day = (self.closure_ending(day) or day) + DAY
        return day

    # Moments

    def local(self, wall: datetime) -> datetime:
        """The instant that the school's clocks show as the naive ``wall``.

        A skipped wall time is read with the offset in force before the skip, which lands just
        after it; a repeated wall time is its first occurrence (``fold=0``).
        """
        return datetime.fromtimestamp(wall.replace(tzinfo=self.tz).timestamp(), self.tz)

    def working_period(self, day: date) -> tuple[datetime, datetime]:
        """The start (inclusive) and end (exclusive) of the working hours on ``day``, whether or
        not ``day`` is a working day."""
        return (
            self.local(datetime.combine(day, self.day_starts)),
            self.local(datetime.combine(day, self.day_ends)),
        )

    def is_working_time(self, at: datetime) -> bool:
        """R19: True when ``at`` falls in the working hours of a working day (quiet time is
        everything else; the end of the day, 17:00, is already quiet time)."""
        _require_aware(at)
        day = at.astimezone(self.tz).date()
        if not self.is_working_day(day):
            return False
        starts, ends = self.working_period(day)
        # Compared as instants: datetimes in one zone compare by wall clock, which is wrong in
        # the hour that the clocks repeat.
        return starts.timestamp() <= at.timestamp() < ends.timestamp()

    def next_working_start(self, at: datetime) -> datetime:
        """R19: when something sent at ``at`` reaches staff: ``at`` itself in working time,
        otherwise the start of the next working period (Friday 17:01 → Monday 08:00).

        The result is in the school's time zone (the same instant as ``at`` when that is
        working time).
        """
        _require_aware(at)
        local = at.astimezone(self.tz)
        if self.is_working_time(local):
            return local
        day = local.date()
        before_start = local.timestamp() < self.working_period(day)[0].timestamp()
        if not (self.is_working_day(day) and before_start):
            day = self.next_working_day(day + DAY)
        return self.working_period(day)[0]

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """R21: when ``hours`` counted on working days only run out, starting at ``start``.

        - The clock starts at ``next_working_start(start)``: a message delivered in quiet time
          starts counting when it reaches the teacher (Saturday 14:00 counts from Monday 08:00),
          and one delivered at 08:00 Monday counts from then.
        - A working day counts whole, 24 hours of wall-clock time, midnight to midnight (even
          on a day when the clocks change, so wall-clock times are kept); weekends, bank
          holidays and closure days are skipped whole. Friday 10:00 + 48 → Tuesday 10:00;
          Monday 08:00 + 48 → Wednesday 08:00.
        - If the count runs out in quiet time (for a window that is not a whole number of
          days, or exactly at midnight), the result moves to the next working start: nothing
          can be expected of staff between the end of one working period and the start of the
          next, so the two are the same deadline, and the later one is the one that staff can
          meet. With the default 48 hours and a start in working time it is always the same
          clock time two working days later.

        One step per working day counted; closures are skipped whole. Result in school time.
        """
        if not math.isfinite(hours) or hours < 0:
            raise ValueError(f"Hours to count must be a finite number, zero or more: {hours!r}.")
        begin = self.next_working_start(start)
        day = begin.date()
        midnight = datetime.combine(day, time())
        elapsed = begin.replace(tzinfo=None) - midnight
        remaining = timedelta(hours=hours)
        while remaining >= DAY - elapsed:
            remaining -= DAY - elapsed
            day = self.next_working_day(day + DAY)
            elapsed = timedelta()
        due = self.local(datetime.combine(day, time()) + elapsed + remaining)
        return self.next_working_start(due)


@dataclass(frozen=True)
class ClosureDays:
    starts_on: date
    ends_on: date


CLOSURES_CACHE_KEY = "classes:closures:all"
CLOSURES_CACHE_SECONDS = 3600


def _closures() -> list[ClosureDays]:
    """Every closure the school has entered, from the shared cache (every message and sweep
    builds a calendar). A school enters a few dozen a year, so all of them are one small query
    and one small cache entry, and a calendar never has to refuse a day for want of them. Any
    change to a closure drops the list (``classes.receivers``), and the timeout bounds a change
    made around the ORM."""
    from django.core.cache import cache

    from .models import Closure

    cached: list[ClosureDays] | None = cache.get(CLOSURES_CACHE_KEY)
    if cached is None:
        rows = Closure.objects.values_list("starts_on", "ends_on")
        cached = [ClosureDays(start, end) for start, end in rows]
        cache.set(CLOSURES_CACHE_KEY, cached, CLOSURES_CACHE_SECONDS)
    return cached


def forget_cached_closures() -> None:
    """The closures changed: drop the cached list at once, and inside a transaction again when
    it commits (until then a calendar built in another connection reads the old rows, and
    would cache them for up to ``CLOSURES_CACHE_SECONDS``)."""
    from django.core.cache import cache
    from django.db import transaction

    cache.delete(CLOSURES_CACHE_KEY)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: cache.delete(CLOSURES_CACHE_KEY))


def calendar_for(
    school: School | None = None, *, closures: Iterable[DateRange] | None = None
) -> Calendar:
    """The school's calendar: no query once the school and the closures are in the shared
    cache (one for the closures otherwise), none when ``closures`` are given.

    ``school`` defaults to the cached school (``classes.selectors.school_get``). Without
    ``closures``, every closure of the school is loaded (``_closures``); given ``closures``,
    the caller vouches that they are all of them. Either way every day is answered.
    """
    if school is None:
        from .selectors import school_get

        school = school_get()
    if closures is None:
        closures = _closures()
    return Calendar(
        tz=school.tz,
        working_weekdays=frozenset(int(digit) for digit in school.working_days),
        day_starts=school.working_day_starts,
        day_ends=school.working_day_ends,
        closures=_merge(closures),
    )


def reply_window_hours() -> float:
    """R21: the reply window in hours, ``settings.REPLY_WINDOW_HOURS`` (48 when unset)."""
    return float(getattr(settings, "REPLY_WINDOW_HOURS", DEFAULT_REPLY_WINDOW_HOURS))


def reply_due_at(calendar: Calendar, delivered_at: datetime) -> datetime:
    """R21: when a reply to a message delivered at ``delivered_at`` is due, counting the
    configured window on working days only (``Calendar.add_working_hours``)."""
    return calendar.add_working_hours(delivered_at, reply_window_hours())
