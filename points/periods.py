"""The periods points are counted over: today, this week, this term, all time.

Terms in England: autumn from 1 September, spring from 1 January, summer from the second Monday
after Easter Sunday (schools break for the two weeks around Easter). Days and weeks (from
Monday) are the school's, in its time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def easter_sunday(year: int) -> date:
    """Easter Sunday of ``year`` in the Gregorian calendar (the anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def term_start(day: date) -> date:
    """The first day of the term that ``day`` falls in (holidays count with the term before)."""
    if day.month >= 9:
        return date(day.year, 9, 1)
    summer = easter_sunday(day.year) + timedelta(days=15)
    return summer if day >= summer else date(day.year, 1, 1)


@dataclass(frozen=True)
class Periods:
    today: datetime
    week: datetime
    term: datetime


def periods_at(now: datetime, tz: ZoneInfo) -> Periods:
    """Where today, this week (from Monday) and this term begin, as aware datetimes."""
    local = now.astimezone(tz).date()

    def start(day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=tz)

    return Periods(
        today=start(local),
        week=start(local - timedelta(days=local.weekday())),
        term=start(term_start(local)),
    )
