"""R19 and R21: the school's working-time calendar (``classes.worktime``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import transaction

from classes.models import School
from classes.worktime import (
    CLOSURES_CACHE_KEY,
    CLOSURES_CACHE_SECONDS,
    Calendar,
    bank_holidays,
    calendar_for,
    reply_due_at,
    reply_window_hours,
)
from tests.clock import at
from tests.factories import ClosureFactory

LONDON = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")
HOUR = timedelta(hours=1)


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def elapsed(earlier: datetime, later: datetime) -> timedelta:
    """Real time between two moments (in one zone Python subtracts wall-clock readings)."""
    return later.astimezone(UTC) - earlier.astimezone(UTC)


def wall(moment: datetime) -> tuple[str, str]:
    """What the school's clock shows: weekday and time, in London."""
    local = moment.astimezone(LONDON)
    return local.strftime("%a %Y-%m-%d"), local.strftime("%H:%M")


@pytest.fixture
def calendar(school: School) -> Calendar:
    """The default school (Monday–Friday 08:00–17:00, London) with no closures."""
    return calendar_for(school)


def school_with(school: School, **changes: object) -> School:
    for field, value in changes.items():
        setattr(school, field, value)
    school.full_clean()
    school.save()
    return school


# R19: working hours


@pytest.mark.parametrize(
    ("moment", "working"),
    [
        (london(2026, 6, 12, 16, 59), True),  # Friday 16:59
        (london(2026, 6, 12, 17, 0), False),  # Friday 17:00: the end is quiet time
        (london(2026, 6, 12, 17, 1), False),  # Friday 17:01
        (london(2026, 6, 13, 10, 0), False),  # Saturday
        (london(2026, 6, 14, 12, 0), False),  # Sunday
        (london(2026, 6, 15, 7, 59), False),  # Monday 07:59
        (london(2026, 6, 15, 8, 0), True),  # Monday 08:00: the start is working time
        (london(2026, 6, 17, 12, 30), True),  # Wednesday midday
        (london(2026, 6, 17, 0, 0), False),  # Wednesday midnight
    ],
)
def test_R19_working_time_is_weekdays_0800_to_1700(
    calendar: Calendar, moment: datetime, working: bool
) -> None:
    assert calendar.is_working_time(moment) is working


@pytest.mark.parametrize(
    ("moment", "starts"),
    [
        (london(2026, 6, 12, 16, 59), ("Fri 2026-06-12", "16:59")),
        (london(2026, 6, 12, 17, 0), ("Mon 2026-06-15", "08:00")),
        (london(2026, 6, 12, 17, 1), ("Mon 2026-06-15", "08:00")),
        (london(2026, 6, 13, 14, 0), ("Mon 2026-06-15", "08:00")),
        (london(2026, 6, 14, 23, 59), ("Mon 2026-06-15", "08:00")),
        (london(2026, 6, 15, 7, 59), ("Mon 2026-06-15", "08:00")),
        (london(2026, 6, 15, 8, 0), ("Mon 2026-06-15", "08:00")),
        (london(2026, 6, 16, 3, 0), ("Tue 2026-06-16", "08:00")),
        (london(2026, 6, 16, 20, 0), ("Wed 2026-06-17", "08:00")),
    ],
)
def test_R19_quiet_time_message_reaches_teacher_at_next_working_start(
    calendar: Calendar, moment: datetime, starts: tuple[str, str]
) -> None:
    assert wall(calendar.next_working_start(moment)) == starts


def test_R19_next_working_start_in_working_time_is_the_same_instant(calendar: Calendar) -> None:
    moment = utc(2026, 6, 17, 11, 15)  # 12:15 in London
    result = calendar.next_working_start(moment)
    assert result == moment
    assert result.tzinfo == LONDON


def test_R19_naive_datetimes_are_refused(calendar: Calendar) -> None:
    with pytest.raises(ValueError, match="aware"):
        calendar.is_working_time(datetime(2026, 6, 15, 9, 0))
    with pytest.raises(ValueError, match="aware"):
        calendar.next_working_start(datetime(2026, 6, 15, 9, 0))


# R19: bank holidays of England


@pytest.mark.parametrize(
    ("holiday", "name"),
    [
        (date(2026, 1, 1), "New Year's Day"),
        (date(2026, 4, 3), "Good Friday"),
        (date(2026, 4, 6), "Easter Monday"),
        (date(2026, 5, 4), "Early May"),
        (date(2026, 5, 25), "Spring"),
        (date(2026, 8, 31), "Summer"),
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 28), "Boxing Day falls on a Saturday: substitute Monday"),
        (date(2027, 1, 1), "New Year's Day"),
    ],
)
def test_R19_bank_holidays_of_england_are_quiet_all_day(
    calendar: Calendar, holiday: date, name: str
) -> None:
    assert holiday in bank_holidays(holiday.year), name
    assert not calendar.is_working_day(holiday)
    assert not calendar.is_working_time(london(holiday.year, holiday.month, holiday.day, 10))


def test_R19_boxing_day_on_a_saturday_moves_to_monday_and_tuesday_works(
    calendar: Calendar,
) -> None:
    # 2026: Christmas Day is a Friday, Boxing Day a Saturday (substitute: Monday 28th).
    assert calendar.is_working_day(date(2026, 12, 24))
    assert not calendar.is_working_day(date(2026, 12, 28))
    assert calendar.is_working_day(date(2026, 12, 29))
    assert bank_holidays(2026) >= {date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 28)}
    assert date(2026, 12, 29) not in bank_holidays(2026)


@pytest.mark.parametrize(
    ("moment", "starts"),
    [
        # Early May bank holiday, Monday 4 May 2026.
        (london(2026, 5, 1, 17, 1), ("Tue 2026-05-05", "08:00")),
        (london(2026, 5, 4, 9, 0), ("Tue 2026-05-05", "08:00")),
        # Summer bank holiday, Monday 31 August 2026.
        (london(2026, 8, 28, 17, 0), ("Tue 2026-09-01", "08:00")),
        # Easter: Good Friday 3 April and Easter Monday 6 April 2026.
        (london(2026, 4, 2, 17, 0), ("Tue 2026-04-07", "08:00")),
        (london(2026, 4, 3, 10, 0), ("Tue 2026-04-07", "08:00")),
        # Christmas Day Friday, Boxing Day observed Monday 28th.
        (london(2026, 12, 24, 17, 1), ("Tue 2026-12-29", "08:00")),
        # New Year's Day 2027 is a Friday.
        (london(2026, 12, 31, 17, 0), ("Mon 2027-01-04", "08:00")),
    ],
)
def test_R19_bank_holidays_defer_delivery_to_next_working_day(
    calendar: Calendar, moment: datetime, starts: tuple[str, str]
) -> None:
    assert wall(calendar.next_working_start(moment)) == starts


# R19: closures that the office enters


def test_R19_inset_day_is_quiet_time(school: School) -> None:
    ClosureFactory(starts_on=date(2026, 6, 17), ends_on=date(2026, 6, 17), reason="INSET day")
    calendar = calendar_for(school)
    assert calendar.is_working_time(london(2026, 6, 16, 16, 59))
    assert not calendar.is_working_time(london(2026, 6, 17, 10, 0))
    assert wall(calendar.next_working_start(london(2026, 6, 16, 17, 0))) == (
        "Thu 2026-06-18",
        "08:00",
    )


def test_R19_closure_running_into_a_weekend_defers_to_the_day_after_it(school: School) -> None:
    # Friday to Monday: the weekend in the middle changes nothing.
    ClosureFactory(starts_on=date(2026, 6, 12), ends_on=date(2026, 6, 15), reason="Snow")
    calendar = calendar_for(school)
    assert not calendar.is_working_day(date(2026, 6, 12))
    assert not calendar.is_working_day(date(2026, 6, 15))
    assert wall(calendar.next_working_start(london(2026, 6, 11, 17, 0))) == (
        "Tue 2026-06-16",
        "08:00",
    )


def test_R19_overlapping_and_touching_closures_are_all_honoured(school: School) -> None:
    ClosureFactory(starts_on=date(2026, 7, 20), ends_on=date(2026, 7, 24), reason="Trip week")
    ClosureFactory(starts_on=date(2026, 7, 22), ends_on=date(2026, 7, 28), reason="Works")
    ClosureFactory(starts_on=date(2026, 7, 23), ends_on=date(2026, 7, 23), reason="INSET day")
    ClosureFactory(starts_on=date(2026, 7, 29), ends_on=date(2026, 7, 29), reason="INSET day")
    calendar = calendar_for(school)
    working = [
        day
        for day in (date(2026, 7, 17) + timedelta(days=n) for n in range(15))
        if calendar.is_working_day(day)
    ]
    assert working == [date(2026, 7, 17), date(2026, 7, 30), date(2026, 7, 31)]
    assert wall(calendar.next_working_start(london(2026, 7, 17, 17, 0))) == (
        "Thu 2026-07-30",
        "08:00",
    )


def test_R19_christmas_closure_into_new_year_defers_to_first_day_back(school: School) -> None:
    ClosureFactory(starts_on=date(2026, 12, 21), ends_on=date(2027, 1, 4), reason="Christmas")
    calendar = calendar_for(school)
    assert wall(calendar.next_working_start(london(2026, 12, 18, 17, 0))) == (
        "Tue 2027-01-05",
        "08:00",
    )


def test_R19_the_calendar_knows_every_closure_however_old(school: School) -> None:
    """Closures from years ago are honoured: a calendar never refuses a day (an old thread's
    reply time, an export, retention all ask about days long past)."""
    ClosureFactory(starts_on=date(2019, 2, 18), ends_on=date(2019, 2, 22))  # half term
    ClosureFactory(starts_on=date(2026, 6, 17), ends_on=date(2026, 6, 17))
    with at(london(2028, 1, 10, 10)):  # whatever today is
        calendar = calendar_for()
    assert not calendar.is_working_day(date(2019, 2, 20))
    assert calendar.is_working_day(date(2019, 2, 25))
    assert not calendar.is_working_day(date(2026, 6, 17))
    assert calendar.is_working_day(date(1999, 6, 17))


def test_R21_the_reply_time_of_a_message_delivered_14_months_ago(school: School) -> None:
    """Asked on 1 December 2026 about a message delivered on Wednesday 1 October 2025, before
    an INSET day: Wednesday counts, Thursday is closed, Friday counts, and the last 10 hours
    run on Monday."""
    ClosureFactory(starts_on=date(2025, 10, 2), ends_on=date(2025, 10, 2))
    with at(london(2026, 12, 1, 10)):
        due = reply_due_at(calendar_for(), london(2025, 10, 1, 10))
    assert wall(due) == ("Mon 2025-10-06", "10:00")


def test_R19_a_closure_entered_in_a_transaction_is_seen_when_it_commits(
    school: School, django_capture_on_commit_callbacks
) -> None:
    """A calendar built in another connection while the closure's transaction is open reads the
    old closures and caches them: the cached list is dropped again when it commits."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        ClosureFactory(starts_on=date(2026, 12, 2), ends_on=date(2026, 12, 2))
        cache.set(CLOSURES_CACHE_KEY, [], CLOSURES_CACHE_SECONDS)  # the other connection's
    assert not calendar_for().is_working_day(date(2026, 12, 2))


def test_R19_closures_given_by_the_caller_need_no_query(
    school: School, django_assert_num_queries
) -> None:
    inset = ClosureFactory.build(starts_on=date(2026, 6, 17), ends_on=date(2026, 6, 17))
    with django_assert_num_queries(0):
        calendar = calendar_for(school, closures=[inset])
    assert not calendar.is_working_day(date(2026, 6, 17))
    assert calendar.is_working_day(date(1999, 6, 17))  # the caller gave every closure


# R19: the number of queries


@pytest.mark.parametrize("closures", [0, 40])
def test_R19_building_a_calendar_is_one_query(
    school: School, django_assert_num_queries, closures: int
) -> None:
    for n in range(closures):
        day = date(2026, 1, 5) + timedelta(days=7 * n)
        ClosureFactory(starts_on=day, ends_on=day)
    with django_assert_num_queries(1):
        calendar = calendar_for()  # the cached school, then one query
    with django_assert_num_queries(0):
        for n in range(366):
            calendar.is_working_time(london(2026, 1, 1, 9) + timedelta(days=n))
        calendar.add_working_hours(london(2026, 1, 2, 10), 24 * 200)
    assert calendar.is_working_day(date(2026, 1, 5)) is (closures == 0)


# R19: changes of the clocks (Europe/London: 2026-03-29 forward, 2026-10-25 back)


def test_R19_working_day_keeps_wall_clock_across_spring_change(calendar: Calendar) -> None:
    # Friday 27 March is GMT (08:00 = 08:00 UTC); Monday 30 March is BST (08:00 = 07:00 UTC).
    assert not calendar.is_working_time(utc(2026, 3, 27, 7, 59))
    assert calendar.is_working_time(utc(2026, 3, 27, 8, 0))
    assert not calendar.is_working_time(utc(2026, 3, 30, 6, 59))
    assert calendar.is_working_time(utc(2026, 3, 30, 7, 0))
    assert not calendar.is_working_time(utc(2026, 3, 30, 16, 0))
    assert calendar.next_working_start(london(2026, 3, 27, 17, 0)) == utc(2026, 3, 30, 7, 0)


def test_R19_working_day_keeps_wall_clock_across_autumn_change(calendar: Calendar) -> None:
    # Friday 23 October is BST; Monday 26 October is GMT.
    assert not calendar.is_working_time(utc(2026, 10, 23, 16, 0))
    assert calendar.is_working_time(utc(2026, 10, 26, 16, 59))
    assert not calendar.is_working_time(utc(2026, 10, 26, 7, 59))
    assert calendar.next_working_start(london(2026, 10, 23, 17, 0)) == utc(2026, 10, 26, 8, 0)


def test_R19_seven_day_school_works_on_the_days_the_clocks_change(school: School) -> None:
    calendar = calendar_for(school_with(school, working_days="1234567"))
    # Sunday 29 March: 08:00 BST is 07:00 UTC, 17:00 BST is 16:00 UTC.
    assert not calendar.is_working_time(utc(2026, 3, 29, 6, 59))
    assert calendar.is_working_time(utc(2026, 3, 29, 7, 0))
    assert not calendar.is_working_time(utc(2026, 3, 29, 16, 0))
    # Sunday 25 October: 08:00 GMT is 08:00 UTC.
    assert not calendar.is_working_time(utc(2026, 10, 25, 7, 59))
    assert calendar.is_working_time(utc(2026, 10, 25, 8, 0))
    assert calendar.is_working_time(utc(2026, 10, 25, 16, 59))


def test_R19_start_in_the_skipped_hour_begins_when_the_clocks_have_moved(school: School) -> None:
    # A day starting at 01:30: on 29 March the clocks jump from 01:00 to 02:00.
    changed = school_with(school, working_days="1234567", working_day_starts=time(1, 30))
    calendar = calendar_for(changed)
    start = calendar.next_working_start(london(2026, 3, 28, 17, 0))
    assert start == utc(2026, 3, 29, 1, 30)
    assert wall(start) == ("Sun 2026-03-29", "02:30")
    assert not calendar.is_working_time(utc(2026, 3, 29, 1, 29))
    assert calendar.is_working_time(utc(2026, 3, 29, 1, 30))


def test_R19_start_in_the_repeated_hour_is_its_first_occurrence(school: School) -> None:
    # On 25 October 01:00–02:00 happens twice; the day starts at the first 01:30 (BST).
    changed = school_with(school, working_days="1234567", working_day_starts=time(1, 30))
    calendar = calendar_for(changed)
    start = calendar.next_working_start(london(2026, 10, 24, 17, 0))
    assert start.astimezone(UTC) == utc(2026, 10, 25, 0, 30)
    assert wall(start) == ("Sun 2026-10-25", "01:30")
    assert not calendar.is_working_time(utc(2026, 10, 25, 0, 29))
    assert calendar.is_working_time(utc(2026, 10, 25, 0, 30))
    # The second 01:15 (GMT) comes after the first 01:30 (BST): working time, though its wall
    # clock reads earlier.
    second_0115 = london(2026, 10, 25, 1, 15).replace(fold=1)
    assert second_0115.astimezone(UTC) == utc(2026, 10, 25, 1, 15)
    assert calendar.is_working_time(second_0115)
    assert calendar.next_working_start(second_0115).astimezone(UTC) == utc(2026, 10, 25, 1, 15)


# R19: another school's zone and week


@pytest.fixture
def dubai_calendar(school: School) -> Calendar:
    """A school working Sunday–Thursday 07:30–15:00 in Dubai (UTC+4, no summer time)."""
    changed = school_with(
        school,
        time_zone="Asia/Dubai",
        working_days="71234",
        working_day_starts=time(7, 30),
        working_day_ends=time(15, 0),
    )
    return calendar_for(changed)


def test_R19_school_time_zone_and_working_days_are_the_schools(dubai_calendar: Calendar) -> None:
    assert dubai_calendar.is_working_time(utc(2026, 6, 14, 3, 30))  # Sunday 07:30 in Dubai
    assert not dubai_calendar.is_working_time(utc(2026, 6, 14, 3, 29))
    assert not dubai_calendar.is_working_time(utc(2026, 6, 18, 11, 0))  # Thursday 15:00
    assert not dubai_calendar.is_working_time(utc(2026, 6, 19, 8, 0))  # Friday
    start = dubai_calendar.next_working_start(utc(2026, 6, 18, 11, 0))
    assert start == utc(2026, 6, 21, 3, 30)
    assert start.tzinfo == ZoneInfo("Asia/Dubai")


def test_R19_bank_holidays_are_englands_in_any_zone(dubai_calendar: Calendar) -> None:
    # R19 names England's bank holidays; a school elsewhere enters its own as closures.
    assert not dubai_calendar.is_working_day(date(2026, 5, 4))
    assert dubai_calendar.is_working_day(date(2026, 5, 3))  # a Sunday


# R21: the reply window, counted on working days only


def test_R21_delivered_friday_1000_is_due_tuesday_1000(calendar: Calendar) -> None:
    due = calendar.add_working_hours(london(2026, 6, 12, 10, 0), 48)
    assert wall(due) == ("Tue 2026-06-16", "10:00")


def test_R21_delivered_monday_0800_is_due_wednesday_0800(calendar: Calendar) -> None:
    due = calendar.add_working_hours(london(2026, 6, 15, 8, 0), 48)
    assert wall(due) == ("Wed 2026-06-17", "08:00")


@pytest.mark.parametrize(
    ("delivered", "due"),
    [
        (london(2026, 6, 13, 14, 0), ("Wed 2026-06-17", "08:00")),  # Saturday
        (london(2026, 6, 12, 17, 0), ("Wed 2026-06-17", "08:00")),  # Friday 17:00
        (london(2026, 6, 15, 7, 0), ("Wed 2026-06-17", "08:00")),  # Monday before 08:00
        (london(2026, 6, 15, 18, 0), ("Thu 2026-06-18", "08:00")),  # Monday evening
    ],
)
def test_R21_quiet_time_message_counts_from_the_next_working_start(
    calendar: Calendar, delivered: datetime, due: tuple[str, str]
) -> None:
    assert wall(calendar.add_working_hours(delivered, 48)) == due


@pytest.mark.parametrize(
    ("delivered", "due"),
    [
        (london(2026, 5, 1, 10, 0), ("Wed 2026-05-06", "10:00")),  # Early May Monday
        (london(2026, 8, 28, 10, 0), ("Wed 2026-09-02", "10:00")),  # Summer Monday
        (london(2026, 4, 2, 10, 0), ("Wed 2026-04-08", "10:00")),  # Good Friday, Easter Monday
        (london(2026, 12, 24, 10, 0), ("Wed 2026-12-30", "10:00")),  # Christmas, Boxing Day
        (london(2026, 12, 31, 10, 0), ("Tue 2027-01-05", "10:00")),  # New Year's Day
    ],
)
def test_R21_bank_holidays_stop_the_clock(
    calendar: Calendar, delivered: datetime, due: tuple[str, str]
) -> None:
    assert wall(calendar.add_working_hours(delivered, 48)) == due


def test_R21_closures_stop_the_clock_for_whole_days(school: School) -> None:
    ClosureFactory(starts_on=date(2026, 6, 16), ends_on=date(2026, 6, 16), reason="INSET day")
    calendar = calendar_for(school)
    due = calendar.add_working_hours(london(2026, 6, 15, 16, 30), 48)
    assert wall(due) == ("Thu 2026-06-18", "16:30")


def test_R21_summer_holiday_closure_stops_the_clock(school: School) -> None:
    ClosureFactory(starts_on=date(2026, 7, 22), ends_on=date(2026, 9, 1), reason="Summer")
    calendar = calendar_for(school)
    due = calendar.add_working_hours(london(2026, 7, 21, 10, 0), 48)
    assert wall(due) == ("Thu 2026-09-03", "10:00")


def test_R21_reply_clock_keeps_wall_clock_across_the_clock_changes(calendar: Calendar) -> None:
    spring = calendar.add_working_hours(london(2026, 3, 27, 10, 0), 48)
    autumn = calendar.add_working_hours(london(2026, 10, 23, 10, 0), 48)
    assert wall(spring) == ("Tue 2026-03-31", "10:00")
    assert wall(autumn) == ("Tue 2026-10-27", "10:00")


def test_R21_seven_day_school_counts_the_short_and_long_days_whole(school: School) -> None:
    calendar = calendar_for(school_with(school, working_days="1234567"))
    short_day = calendar.add_working_hours(london(2026, 3, 28, 10, 0), 24)
    long_day = calendar.add_working_hours(london(2026, 10, 24, 10, 0), 24)
    assert wall(short_day) == ("Sun 2026-03-29", "10:00")
    assert elapsed(london(2026, 3, 28, 10, 0), short_day) == 23 * HOUR
    assert wall(long_day) == ("Sun 2026-10-25", "10:00")
    assert elapsed(london(2026, 10, 24, 10, 0), long_day) == 25 * HOUR


@pytest.mark.parametrize(
    ("delivered", "hours", "due"),
    [
        (london(2026, 6, 15, 10, 0), 3, ("Mon 2026-06-15", "13:00")),
        (london(2026, 6, 15, 8, 0), 9, ("Tue 2026-06-16", "08:00")),  # lands at 17:00
        (london(2026, 6, 15, 10, 0), 12, ("Tue 2026-06-16", "08:00")),  # lands at 22:00
        (london(2026, 6, 15, 10, 0), 20, ("Tue 2026-06-16", "08:00")),  # lands at 06:00
        (london(2026, 6, 12, 10, 0), 14, ("Mon 2026-06-15", "08:00")),  # lands at midnight
        (london(2026, 6, 12, 10, 0), 30, ("Mon 2026-06-15", "16:00")),
        (london(2026, 6, 12, 10, 0), 38.5, ("Tue 2026-06-16", "08:00")),
        (london(2026, 6, 13, 10, 0), 0, ("Mon 2026-06-15", "08:00")),
        (london(2026, 6, 15, 10, 0), 72, ("Thu 2026-06-18", "10:00")),
    ],
)
def test_R21_due_time_in_quiet_time_moves_to_the_next_working_start(
    calendar: Calendar, delivered: datetime, hours: float, due: tuple[str, str]
) -> None:
    assert wall(calendar.add_working_hours(delivered, hours)) == due


@pytest.mark.parametrize("hours", [-1, float("nan"), float("inf")])
def test_R21_window_must_be_a_finite_number_of_hours(calendar: Calendar, hours: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        calendar.add_working_hours(london(2026, 6, 15, 10, 0), hours)


def test_R21_reply_window_is_48_hours_unless_set(calendar: Calendar, settings) -> None:
    if hasattr(settings, "REPLY_WINDOW_HOURS"):
        del settings.REPLY_WINDOW_HOURS
    assert reply_window_hours() == 48
    assert wall(reply_due_at(calendar, london(2026, 6, 12, 10, 0))) == ("Tue 2026-06-16", "10:00")


@pytest.mark.parametrize(
    ("window", "due"), [(24, ("Mon 2026-06-15", "10:00")), (72, ("Wed 2026-06-17", "10:00"))]
)
def test_R21_reply_window_follows_the_setting(
    calendar: Calendar, settings, window: int, due: tuple[str, str]
) -> None:
    settings.REPLY_WINDOW_HOURS = window
    assert reply_window_hours() == window
    assert wall(reply_due_at(calendar, london(2026, 6, 12, 10, 0))) == due


# R21: large inputs


def test_R21_long_closure_is_skipped_whole_not_walked(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    ClosureFactory(starts_on=date(2026, 7, 22), ends_on=date(2099, 12, 31), reason="Rebuild")
    calendar = calendar_for(school)
    days_examined: list[date] = []
    is_working_day = Calendar.is_working_day

    def counting(self: Calendar, day: date) -> bool:
        days_examined.append(day)
        return is_working_day(self, day)

    monkeypatch.setattr(Calendar, "is_working_day", counting)
    due = calendar.add_working_hours(london(2026, 7, 21, 10, 0), 48)
    # 1 January 2100 is a Friday and New Year's Day; Monday 4th is the first day back.
    assert wall(due) == ("Tue 2100-01-05", "10:00")
    # Walking the closure day by day would examine its 26,825 days one by one.
    assert len(days_examined) < 20


def by_the_hour(calendar: Calendar, start: datetime, hours: int) -> datetime:
    """R21 counted the slow way, as a reference: naive wall-clock hours, one at a time."""

    def working(moment: datetime) -> bool:
        return calendar.is_working_day(moment.date()) and (
            calendar.day_starts <= moment.time() < calendar.day_ends
        )

    moment = start
    while not working(moment):
        moment += HOUR
    for _ in range(hours):
        while not calendar.is_working_day(moment.date()):
            moment += HOUR
        moment += HOUR
    while not working(moment):
        moment += HOUR
    return moment


def hourly(first: date, days: int) -> Iterator[datetime]:
    start = datetime.combine(first, time())
    return (start + n * HOUR for n in range(24 * days))


@pytest.mark.parametrize(
    ("first", "days", "working_days"),
    [
        (date(2026, 3, 23), 21, "12345"),  # the spring change, Easter
        (date(2026, 10, 19), 10, "12345"),  # the autumn change, an INSET day
        (date(2026, 12, 14), 24, "12345"),  # Christmas closure into the New Year
        (date(2026, 3, 26), 5, "1234567"),  # a seven-day school over the spring change
        (date(2026, 10, 22), 5, "1234567"),  # and over the autumn change
    ],
)
def test_R21_counting_agrees_with_counting_hour_by_hour(
    school: School, first: date, days: int, working_days: str
) -> None:
    ClosureFactory(starts_on=date(2026, 10, 23), ends_on=date(2026, 10, 23), reason="INSET day")
    ClosureFactory(starts_on=date(2026, 12, 21), ends_on=date(2027, 1, 4), reason="Christmas")
    calendar = calendar_for(school_with(school, working_days=working_days))
    for start in hourly(first, days):
        for hours in (0, 1, 9, 24, 48, 100):
            due = calendar.add_working_hours(calendar.local(start), hours)
            expected = by_the_hour(calendar, start, hours)
            assert due.replace(tzinfo=None) == expected, (start, hours)


def test_R21_a_long_window_is_counted_day_by_day_and_agrees(calendar: Calendar) -> None:
    start = datetime(2026, 1, 2, 10, 0)
    due = calendar.add_working_hours(calendar.local(start), 24 * 2000)
    assert due.replace(tzinfo=None) == by_the_hour(calendar, start, 24 * 2000)
    assert due.year == 2033
