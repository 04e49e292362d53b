"""When an event starts and ends, and until when families reply, as aware moments in the
school's time zone (R35)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from .models import Event


def starts(event: Event, tz: ZoneInfo) -> dt.datetime:
    """The event's first moment: its start time, or the first day's midnight when all day."""
    return dt.datetime.combine(event.starts_on, event.starts_at or dt.time.min, tzinfo=tz)


def ends(event: Event, tz: ZoneInfo) -> dt.datetime:
    """The event's last moment: its end time (or its start when none is given), or the end of
    its last day when all day."""
    if event.all_day:
        return dt.datetime.combine(event.ends_on + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    end = event.ends_at or event.starts_at or dt.time.min
    return dt.datetime.combine(event.ends_on, end, tzinfo=tz)


def replies_close(event: Event, tz: ZoneInfo) -> dt.datetime:
    """Until when replies are taken: the "reply needed by" moment, or the event's start."""
    return event.reply_by or starts(event, tz)


def replies_open(event: Event, tz: ZoneInfo, now: dt.datetime) -> bool:
    return now < replies_close(event, tz)
