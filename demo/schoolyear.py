"""The demo school's year: closures (INSET days and holidays) and weekly PPA cover windows."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from accounts.models import User
from classes.models import Closure, CoverAssignment, SchoolClass

from .plan import SchoolPlan

FIRST_DAY = date(2026, 9, 1)
LAST_DAY = date(2027, 7, 21)
CLOSURES = (
    (date(2026, 9, 1), date(2026, 9, 2), "INSET days"),
    (date(2026, 10, 26), date(2026, 10, 30), "Autumn half term"),
    (date(2026, 11, 27), date(2026, 11, 27), "INSET day"),
    (date(2026, 12, 21), date(2027, 1, 1), "Christmas holiday"),
    (date(2027, 1, 4), date(2027, 1, 4), "INSET day"),
    (date(2027, 2, 15), date(2027, 2, 19), "Spring half term"),
    (date(2027, 3, 29), date(2027, 4, 9), "Easter holiday"),
    (date(2027, 5, 31), date(2027, 6, 4), "Summer half term"),
    (date(2027, 7, 22), date(2027, 8, 31), "Summer holiday"),
)
PPA_STARTS, PPA_ENDS = time(13, 0), time(15, 15)


def ensure_closures() -> int:
    """Add the year's closures that are missing; return how many were added."""
    existing = set(Closure.objects.values_list("starts_on", "ends_on", "reason"))
    new = [
        Closure(starts_on=starts, ends_on=ends, reason=reason)
        for starts, ends, reason in CLOSURES
        if (starts, ends, reason) not in existing
    ]
    Closure.objects.bulk_create(new)
    return len(new)


def school_days(today: date) -> list[date]:
    """Weekdays of the academic year and of ``today``'s week, less the closures."""
    closed = {s + timedelta(days=n) for s, e, _r in CLOSURES for n in range((e - s).days + 1)}
    monday = today - timedelta(days=today.weekday())
    days = {FIRST_DAY + timedelta(days=n) for n in range((LAST_DAY - FIRST_DAY).days + 1)}
    days |= {monday + timedelta(days=n) for n in range(5)}
    return sorted(d for d in days if d.weekday() < 5 and d not in closed)


def ensure_covers(
    plan: SchoolPlan,
    *,
    tz: ZoneInfo,
    users: dict[str, User],
    classes: dict[str, SchoolClass],
    today: date,
) -> int:
    """Each class's PPA afternoon in every school week of the year, and in ``today``'s week
    (so the demo has cover whenever it runs), as windows in the school's time zone."""
    existing = set(
        CoverAssignment.objects.filter(school_class__in=classes.values()).values_list(
            "teacher_id", "school_class_id", "starts_at"
        )
    )
    new = []
    for day in school_days(today):
        starts = datetime.combine(day, PPA_STARTS, tzinfo=tz)
        ends = datetime.combine(day, PPA_ENDS, tzinfo=tz)
        for cover in plan.covers:
            teacher, school_class = users[cover.email], classes[cover.class_name]
            key = (teacher.pk, school_class.pk, starts)
            if cover.weekday == day.weekday() and key not in existing:
                new.append(
                    CoverAssignment(
                        teacher=teacher, school_class=school_class, starts_at=starts, ends_at=ends
                    )
                )
    CoverAssignment.objects.bulk_create(new)
    return len(new)
