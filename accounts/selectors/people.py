"""Reads about people: each a fixed number of queries whatever the data size."""

from __future__ import annotations

from classes.models import Pupil
from classes.names import with_display_names
from classes.selectors import teachers_by_class

from ..models import User


def children_of(parent: User) -> list[Pupil]:
    """A parent's current children, with display names, class and teachers (three queries)."""
    pupils = list(
        Pupil.objects.filter(parent_links__parent=parent)
        .select_related("school_class")
        .order_by("first_name", "pk")
    )
    with_display_names(pupils)
    teachers = teachers_by_class({p.school_class_id for p in pupils if p.school_class_id})
    for pupil in pupils:
        pupil.teachers = teachers.get(pupil.school_class_id or 0, [])  # type: ignore[attr-defined]
    return pupils


def parents_of(pupil: Pupil) -> list[User]:
    return list(User.objects.filter(parent_links__pupil=pupil).order_by("last_name", "first_name"))
