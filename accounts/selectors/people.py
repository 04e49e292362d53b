"""Reads about people: each a fixed number of queries whatever the data size."""

from __future__ import annotations

from dataclasses import dataclass

from classes.models import Pupil
from classes.names import named_pupils
from classes.selectors import teachers_by_class
from core.generations import cached_many, cached_put, generation

from ..models import User


@dataclass(frozen=True)
class Child:
    """A parent's child as their home page shows them: by display name, with their teachers."""

    pupil: Pupil
    display_name: str
    teachers: tuple[User, ...]


# What a parent's children depend on (links, pupils' names and classes, classes, teachers):
# ``accounts.receivers`` replaces this generation when any of it changes.
CHILDREN_GENERATION = "accounts:children"
CHILDREN_CACHE_KEY = "accounts:children:{parent}:{generation}"
CHILDREN_CACHE_SECONDS = 3600


def children_of(parent: User) -> list[Child]:
    """A parent's children, with display names, class and teachers: from the cache (no query),
    else three queries, then kept until anything they depend on changes."""
    token = generation(CHILDREN_GENERATION)
    key = CHILDREN_CACHE_KEY.format(parent=parent.pk, generation=token)
    cached = cached_many([key]).get(key)
    if isinstance(cached, list):
        return cached
    children = _children_of(parent)
    cached_put(key, children, CHILDREN_CACHE_SECONDS)
    return children


def _children_of(parent: User) -> list[Child]:
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
