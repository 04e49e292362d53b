"""What staff see on their home page: their classes, covered classes, pupils by display name."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from classes.models import Pupil, SchoolClass
from classes.names import with_display_names
from classes.selectors import classes_assigned_to, current_covers_for

from ..models import PupilLogin, User


def teacher_home(user: User) -> dict[str, Any]:
    """Assigned classes, and classes covered now with the cover's end, each with its pupils
    by display name, and the pupils whose picture code is locked (4 queries)."""
    assigned = list(classes_assigned_to(user).order_by("year_group", "name"))
    covers = [
        cover
        for cover in current_covers_for(user).select_related("school_class").order_by("ends_at")
        if cover.school_class not in assigned
    ]
    classes = assigned + [cover.school_class for cover in covers]
    pupils = with_display_names(
        Pupil.objects.current()
        .filter(school_class__in=classes)
        .select_related("login")
        .order_by("first_name", "surname", "pk")
    )
    by_class: dict[int | None, list[Pupil]] = defaultdict(list)
    for pupil in pupils:
        by_class[pupil.school_class_id].append(pupil)
    return {
        "assigned_classes": [_with_pupils(c, by_class) for c in assigned],
        "covers": [(cover, _with_pupils(cover.school_class, by_class)) for cover in covers],
        "locked_pupils": [p for p in pupils if _is_locked(p)],
    }


def _with_pupils(
    school_class: SchoolClass, by_class: dict[int | None, list[Pupil]]
) -> SchoolClass:
    school_class.pupil_list = by_class[school_class.pk]  # type: ignore[attr-defined]
    return school_class


def _is_locked(pupil: Pupil) -> bool:
    login: PupilLogin | None = getattr(pupil, "login", None)
    return login is not None and login.locked_at is not None
