"""Reads about people: each a fixed number of queries whatever the data size."""

from __future__ import annotations

from dataclasses import dataclass

from classes.models import Pupil
from classes.names import named_pupils
from classes.selectors import teachers_by_class

from ..models import User


@dataclass(frozen=True)
class Child:
    """A parent's child as their home page shows them: by display name, with their teachers."""

    pupil: Pupil
    display_name: str
    teachers: tuple[User, ...]


def children_of(parent: User) -> list[Child]:
    """A parent's current children, with display names, class and teachers (three queries)."""
    pupils = named_pupils(
        Pupil.objects.filter(parent_links__parent=parent)
        .select_related("school_class")
        .order_by("first_name", "pk")
    )
    teachers = teachers_by_class(
        {p.pupil.school_class_id for p in pupils if p.pupil.school_class_id}
    )
    return [
        Child(p.pupil, p.display_name, tuple(teachers.get(p.pupil.school_class_id or 0, [])))
        for p in pupils
    ]


def parents_of(pupil: Pupil) -> list[User]:
    return list(User.objects.filter(parent_links__pupil=pupil).order_by("last_name", "first_name"))
