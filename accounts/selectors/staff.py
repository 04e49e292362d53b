"""What staff see on their home page: their classes, covered classes, pupils by display name."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from classes.models import CoverAssignment, Pupil, SchoolClass
from classes.names import NamedPupil, named_pupils
from classes.selectors import classes_assigned_to, current_covers_for

from ..models import PupilLogin, User


@dataclass(frozen=True)
class ClassCard:
    """A class on a staff member's home page, with its current pupils by display name."""

    school_class: SchoolClass
    pupils: list[NamedPupil]


def teacher_home(user: User) -> dict[str, Any]:
    """Assigned classes, and classes covered now with the cover's end, each a
    :class:`ClassCard`, and the pupils whose picture code is locked (4 queries)."""
    assigned = list(classes_assigned_to(user).order_by("year_group", "name"))
    covers = [
        cover
        for cover in current_covers_for(user).select_related("school_class").order_by("ends_at")
        if cover.school_class not in assigned
    ]
    classes = assigned + [cover.school_class for cover in covers]
    pupils = named_pupils(
        Pupil.objects.current()
        .filter(school_class__in=classes)
        .select_related("login")
        .order_by("first_name", "surname", "pk")
    )
    by_class: dict[int | None, list[NamedPupil]] = defaultdict(list)
    for named in pupils:
        by_class[named.pupil.school_class_id].append(named)
    return {
        "assigned_classes": [ClassCard(c, by_class[c.pk]) for c in assigned],
        "covers": [_covered(cover, by_class) for cover in covers],
        "locked_pupils": [p for p in pupils if _is_locked(p.pupil)],
    }


def _covered(
    cover: CoverAssignment, by_class: dict[int | None, list[NamedPupil]]
) -> tuple[CoverAssignment, ClassCard]:
    return cover, ClassCard(cover.school_class, by_class[cover.school_class.pk])


def _is_locked(pupil: Pupil) -> bool:
    login: PupilLogin | None = getattr(pupil, "login", None)
    return login is not None and login.locked_at is not None
