"""Totals for today, this week, this term and all time come from aggregates (R26); points older
than 12 months are deleted by a scheduled job (R28)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from points.models import Award, Skill
from points.periods import easter_sunday, periods_at, term_start
from points.selectors.totals import Totals, pupil_totals
from points.services.retention import points_delete_expired
from points.tasks import delete_expired_points
from tests.factories import PupilFactory, SchoolClassFactory

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 11, 26, 14, 0, tzinfo=LONDON)  # a Thursday in the autumn term


def test_easter_and_term_starts() -> None:
    assert easter_sunday(2026) == dt.date(2026, 4, 5)
    assert easter_sunday(2027) == dt.date(2027, 3, 28)
    assert term_start(dt.date(2026, 11, 26)) == dt.date(2026, 9, 1)
    assert term_start(dt.date(2027, 2, 10)) == dt.date(2027, 1, 1)
    assert term_start(dt.date(2027, 4, 12)) == dt.date(2027, 4, 12)  # Easter + 15 days
    assert term_start(dt.date(2027, 4, 11)) == dt.date(2027, 1, 1)
    assert term_start(dt.date(2027, 8, 20)) == dt.date(2027, 4, 12)


def test_periods_are_the_schools_local_days_and_weeks_from_monday() -> None:
    periods = periods_at(NOW, LONDON)
    assert periods.today == dt.datetime(2026, 11, 26, tzinfo=LONDON)
    assert periods.week == dt.datetime(2026, 11, 23, tzinfo=LONDON)
    assert periods.term == dt.datetime(2026, 9, 1, tzinfo=LONDON)
    # Just after midnight in London in summer is still the previous day in UTC.
    summer = dt.datetime(2026, 6, 1, 23, 30, tzinfo=dt.timezone.utc)
    assert periods_at(summer, LONDON).today == dt.datetime(2026, 6, 2, tzinfo=LONDON)


def award(pupil, skill: Skill, when: dt.datetime, value: int | None = None) -> Award:
    return Award.objects.create(
        pupil=pupil,
        school_class=pupil.school_class,
        skill=skill,
        value=skill.value if value is None else value,
        awarded_at=when,
    )


@pytest.mark.django_db
def test_R26_totals_by_period(school) -> None:
    oak = SchoolClassFactory()
    maya, leo = PupilFactory(school_class=oak), PupilFactory(school_class=oak)
    kind = Skill.objects.get(name="Tolerance")
    award(maya, kind, NOW - dt.timedelta(hours=1), 2)
    award(maya, kind, NOW - dt.timedelta(days=2), 3)  # Tuesday: this week
    award(maya, kind, NOW - dt.timedelta(days=30), 4)  # this term
    award(maya, kind, dt.datetime(2026, 7, 1, tzinfo=LONDON), 5)  # last school year
    award(maya, kind, NOW - dt.timedelta(minutes=5), -1)  # needs work counts down
    totals = pupil_totals([maya.pk, leo.pk], now=NOW)
    assert totals[maya.pk] == Totals(today=1, week=4, term=8, all_time=13)
    assert totals[leo.pk] == Totals()


@pytest.mark.django_db
@pytest.mark.parametrize("awards", [10, 2000])
def test_R26_totals_are_one_query_whatever_the_number_of_awards(
    school, awards: int, django_assert_num_queries
) -> None:
    oak = SchoolClassFactory()
    pupils = PupilFactory.create_batch(5, school_class=oak)
    skill = Skill.objects.get(name="Curiosity")
    Award.objects.bulk_create(
        Award(pupil=pupils[i % 5], school_class=oak, skill=skill, value=1, awarded_at=NOW)
        for i in range(awards)
    )
    with django_assert_num_queries(1):  # the school (its calendar) is cached
        totals = pupil_totals([p.pk for p in pupils], now=NOW)
    assert sum(t.all_time for t in totals.values()) == awards


@pytest.mark.django_db
def test_R28_points_older_than_twelve_months_are_deleted_once(school) -> None:
    pupil = PupilFactory()
    skill = Skill.objects.get(name="Resilience")
    old = award(pupil, skill, NOW - dt.timedelta(days=366))
    kept = award(pupil, skill, NOW - dt.timedelta(days=364))
    assert points_delete_expired(now=NOW) == 1
    assert points_delete_expired(now=NOW) == 0
    assert not Award.objects.filter(pk=old.pk).exists()
    assert Award.objects.filter(pk=kept.pk).exists()


@pytest.mark.django_db
def test_R28_the_nightly_task_is_scheduled_and_runs_the_service(school, settings) -> None:
    schedule = settings.CELERY_BEAT_SCHEDULE["delete-expired-points"]
    assert schedule["task"] == delete_expired_points.name
    pupil = PupilFactory()
    award(pupil, Skill.objects.get(name="Creativity"), dt.datetime(2020, 1, 1, tzinfo=LONDON))
    assert delete_expired_points.delay().get() == 1
    assert not Award.objects.exists()


@pytest.mark.django_db
def test_R25_the_schools_values_are_the_default_positive_skills() -> None:
    values = Skill.objects.filter(school_class__isnull=True, kind="positive")
    assert sorted(values.values_list("name", flat=True)) == [
        "Cooperation",
        "Creativity",
        "Curiosity",
        "Determination",
        "Resilience",
        "Tolerance",
    ]
    assert set(values.values_list("value", flat=True)) == {1}
