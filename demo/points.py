"""A term of points for the demo school: each class's teacher gives the school's values (and now
and then something to work on) on school days since September, with a note for parents on
some. Made once per class: a class that has any awards is left as it is."""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from accounts.models import User
from classes.models import Pupil, SchoolClass
from classes.selectors import teachers_by_class
from points.models import Award, Skill, SkillKind
from points.services.skills import skill_create

NEEDS_WORK = (("Calling out", -1, "speech"), ("Off task", -1, "clock"))
NOTES = (
    "Kept going with a tricky problem today.",
    "Helped a friend who was stuck.",
    "Asked a brilliant question about volcanoes.",
    "Lovely teamwork in PE.",
    "A very creative story opening.",
)
TERM_START = date(2026, 9, 3)


def _school_days(today: date) -> list[date]:
    days, day = [], TERM_START
    while day < today:  # up to yesterday: nothing in the future, whenever it runs
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def ensure_needs_work_skills(*, leader: User) -> int:
    made = 0
    for name, value, icon in NEEDS_WORK:
        if not Skill.objects.filter(name=name, school_class__isnull=True).exists():
            skill_create(
                acting_user=leader, name=name, kind=SkillKind.NEEDS_WORK, value=value, icon=icon
            )
            made += 1
    return made


AWARDS_PER_CLASS_AND_DAY = 12


def _class_awards(
    school_class: SchoolClass,
    *,
    pupil_ids: list[int],
    teacher: User | None,
    skills: list[Skill],
    days: list[date],
    rng: random.Random,
    tz: ZoneInfo,
) -> list[Award]:
    positive = [s for s in skills if s.kind == SkillKind.POSITIVE]
    to_work_on = [s for s in skills if s.kind == SkillKind.NEEDS_WORK] or positive
    awards = []
    for day in days:
        for pupil_id in rng.sample(pupil_ids, k=min(AWARDS_PER_CLASS_AND_DAY, len(pupil_ids))):
            skill = rng.choice(to_work_on) if rng.random() < 0.1 else rng.choice(positive)
            noted = skill.kind == SkillKind.POSITIVE and rng.random() < 0.15
            awards.append(
                Award(
                    pupil_id=pupil_id,
                    school_class=school_class,
                    skill=skill,
                    value=skill.value,
                    note=rng.choice(NOTES) if noted else "",
                    awarded_by=teacher,
                    awarded_at=datetime.combine(
                        day, time(rng.randint(9, 14), rng.randint(0, 59)), tzinfo=tz
                    ),
                    batch=uuid.UUID(int=rng.getrandbits(128)),
                )
            )
    return awards


def ensure_points(*, today: date, seed: int, tz: ZoneInfo) -> int:
    """Awards for every class without any yet; returns how many were made."""
    classes = list(SchoolClass.objects.exclude(awards__isnull=False).order_by("pk"))
    teachers = teachers_by_class({c.pk for c in classes})
    skills = list(Skill.objects.filter(school_class__isnull=True, archived=False).order_by("name"))
    pupil_ids: dict[int | None, list[int]] = defaultdict(list)
    for pk, class_id in (
        Pupil.objects.current()
        .filter(school_class__in=classes)
        .order_by("pk")
        .values_list("pk", "school_class_id")
    ):
        pupil_ids[class_id].append(pk)
    days = _school_days(today)
    awards = []
    for school_class in classes:
        rng = random.Random(f"{seed}:{school_class.name}:{school_class.academic_year}")  # noqa: S311
        awards += _class_awards(
            school_class,
            pupil_ids=pupil_ids[school_class.pk],
            teacher=next(iter(teachers.get(school_class.pk, [])), None),
            skills=skills,
            days=days,
            rng=rng,
            tz=tz,
        )
    Award.objects.bulk_create(awards, batch_size=2000)
    return len(awards)
