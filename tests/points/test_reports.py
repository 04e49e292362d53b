"""Reports built from aggregates (R26): totals, skills, notes, points per day, class overview."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from accounts.models import User
from classes.models import Pupil, SchoolClass
from points.models import Award, Skill, SkillKind
from points.selectors.reports import (
    Period,
    class_award_rows,
    class_overview,
    pupil_points_summary,
    series,
    span_for,
)
from tests.factories import PupilFactory, TeacherFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# A Wednesday in the spring term of 2026 (term from 1 January, Easter on 5 April).
NOW = datetime(2026, 3, 11, 14, 0, tzinfo=LONDON)


def skill(name: str) -> Skill:
    return Skill.objects.get(name=name, school_class=None)


def needs_work(name: str = "Calling out", value: int = -1) -> Skill:
    return Skill.objects.create(name=name, kind=SkillKind.NEEDS_WORK, value=value, icon="x")


def award(
    pupil: Pupil, skill: Skill, at: datetime, *, note: str = "", by: User | None = None
) -> Award:
    assert pupil.school_class is not None
    return Award.objects.create(
        pupil=pupil,
        school_class=pupil.school_class,
        skill=skill,
        value=skill.value,
        note=note,
        awarded_by=by,
        awarded_at=at,
    )


def test_R26_summary_has_totals_for_each_period(school, school_class: SchoolClass) -> None:
    maya = PupilFactory(school_class=school_class, first_name="Maya")
    award(maya, skill("Curiosity"), NOW - timedelta(hours=1))  # today
    award(maya, skill("Curiosity"), NOW - timedelta(days=2))  # Monday: this week
    award(maya, skill("Creativity"), NOW - timedelta(days=20))  # this term
    award(maya, skill("Creativity"), NOW - timedelta(days=200))  # a term before
    award(maya, needs_work(), NOW - timedelta(hours=2))  # today, −1

    totals = pupil_points_summary(maya, now=NOW).totals

    assert (totals.today, totals.week, totals.term, totals.all_time) == (0, 1, 2, 3)


def test_R26_summary_breaks_points_down_by_skill_for_the_period(
    school, school_class: SchoolClass
) -> None:
    maya = PupilFactory(school_class=school_class)
    other = PupilFactory(school_class=school_class)
    calling_out = needs_work(value=-2)
    award(maya, skill("Curiosity"), NOW - timedelta(days=1))
    award(maya, skill("Curiosity"), NOW - timedelta(days=3))
    award(maya, calling_out, NOW - timedelta(days=1))
    award(maya, skill("Creativity"), NOW - timedelta(days=10))  # outside the last 7 days
    award(other, skill("Curiosity"), NOW - timedelta(days=1))  # another child's

    week = pupil_points_summary(maya, period=Period.WEEK, now=NOW).skills
    term = pupil_points_summary(maya, period=Period.TERM, now=NOW).skills

    assert [(s.name, s.icon, s.count, s.points, s.needs_work) for s in week] == [
        ("Curiosity", "magnifier", 2, 2, False),
        ("Calling out", "x", 1, -2, True),
    ]
    assert [(s.name, s.count) for s in term] == [
        ("Creativity", 1),
        ("Curiosity", 2),
        ("Calling out", 1),
    ]


def test_R26_summary_lists_the_latest_ten_notes_with_who_gave_them(
    school, school_class: SchoolClass
) -> None:
    maya = PupilFactory(school_class=school_class)
    hughes = TeacherFactory(title="Mrs", last_name="Hughes")
    for n in range(12):
        award(maya, skill("Tolerance"), NOW - timedelta(hours=n + 1), note=f"Note {n}", by=hughes)
    award(maya, skill("Tolerance"), NOW - timedelta(minutes=5))  # no note: not listed

    notes = pupil_points_summary(maya, now=NOW).notes

    assert [n.note for n in notes] == [f"Note {n}" for n in range(10)]
    assert notes[0].skill_name == "Tolerance"
    assert notes[0].given_by == "Mrs Hughes"


def test_R26_spans_end_today_in_the_school_time_zone(school) -> None:
    assert (span_for(Period.WEEK, now=NOW).first, span_for(Period.WEEK, now=NOW).last) == (
        date(2026, 3, 5),
        date(2026, 3, 11),
    )
    assert span_for(Period.MONTH, now=NOW).first == date(2026, 2, 10)
    assert span_for(Period.TERM, now=NOW).first == date(2026, 1, 1)
    assert Period.parse("decade") == Period.WEEK


def test_R26_series_has_every_day_with_points_per_school_day(
    school, school_class: SchoolClass
) -> None:
    maya = PupilFactory(school_class=school_class)
    summer_now = datetime(2026, 6, 12, 9, 0, tzinfo=LONDON)
    # 23:30 UTC on 10 June is 00:30 on 11 June in London: it counts for the 11th.
    award(maya, skill("Curiosity"), datetime(2026, 6, 10, 23, 30, tzinfo=ZoneInfo("UTC")))
    award(maya, skill("Curiosity"), datetime(2026, 6, 11, 15, 0, tzinfo=LONDON))
    award(maya, needs_work(value=-3), datetime(2026, 6, 8, 10, 0, tzinfo=LONDON))

    days = series(span=span_for(Period.WEEK, now=summer_now), pupil_ids=[maya.pk])

    assert days == [
        (date(2026, 6, 6), 0),
        (date(2026, 6, 7), 0),
        (date(2026, 6, 8), -3),
        (date(2026, 6, 9), 0),
        (date(2026, 6, 10), 0),
        (date(2026, 6, 11), 2),
        (date(2026, 6, 12), 0),
    ]


def test_R26_class_overview_is_by_name_not_by_points(school, school_class: SchoolClass) -> None:
    zara = PupilFactory(school_class=school_class, first_name="Zara")
    amir = PupilFactory(school_class=school_class, first_name="Amir")
    PupilFactory(school_class=school_class, first_name="Maya")
    PupilFactory(school_class=school_class, first_name="Leftus", leaving_date=date(2026, 1, 5))
    for _n in range(3):
        award(zara, skill("Curiosity"), NOW - timedelta(days=1))
    award(amir, skill("Curiosity"), NOW - timedelta(days=1))

    rows = class_overview(school_class, span_for(Period.WEEK, now=NOW))

    assert [(r.display_name, r.count, r.points) for r in rows] == [
        ("Amir", 1, 1),
        ("Maya", 0, 0),
        ("Zara", 3, 3),
    ]


def test_R26_class_award_rows_name_pupils_by_display_name(
    school, school_class: SchoolClass
) -> None:
    amir = PupilFactory(school_class=school_class, first_name="Amir", surname="Khanzada")
    PupilFactory(school_class=school_class, first_name="Amir", surname="Kowalczyk")
    hughes = TeacherFactory(title="Mrs", last_name="Hughes")
    award(amir, skill("Curiosity"), NOW - timedelta(days=1), note="Asked why", by=hughes)

    rows = list(class_award_rows(school_class, span_for(Period.WEEK, now=NOW)))

    assert rows == [["2026-03-10", "Amir Kh.", "Curiosity", 1, "Asked why", "Mrs Hughes"]]
