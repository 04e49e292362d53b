"""Reads about the school's structure, each a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import CoverAssignment, School, SchoolClass, SchoolClassUserObjectPermission

if TYPE_CHECKING:
    from accounts.models import User

TEACH = "teach_class"
SUPPORT = "support_class"


SCHOOL_CACHE_KEY = "classes:school"
SCHOOL_CACHE_SECONDS = 300


def school_get() -> School:
    """The school. A migration creates it, so there is always exactly one.

    Nearly every page needs it (its name, time zone, office phone), so it is kept in the shared
    cache; saving or deleting it drops the cached copy (``classes.receivers``), and the timeout
    bounds how stale a change made around the ORM could be.
    """
    school = cache.get(SCHOOL_CACHE_KEY)
    if school is None:
        school = School.objects.get()
        cache.set(SCHOOL_CACHE_KEY, school, SCHOOL_CACHE_SECONDS)
    return school


def classes_assigned_to(
    user: User, *, codenames: tuple[str, ...] = (TEACH, SUPPORT)
) -> QuerySet[SchoolClass]:
    """Classes where ``user`` holds one of the staff permissions (their own classes)."""
    return SchoolClass.objects.filter(
        staff_permissions__user=user, staff_permissions__permission__codename__in=codenames
    ).distinct()


def staff_class_ids(user: User, *, at: datetime | None = None) -> set[int]:
    """Ids of the classes ``user`` works with now: assigned, or covering (one query).

    A UNION of two indexed lookups rather than one query OR-ing two joins, which databases
    plan poorly: this runs on every award and every class page.
    """
    at = at or timezone.now()
    assigned = (
        SchoolClassUserObjectPermission.objects.filter(
            user=user, permission__codename__in=(TEACH, SUPPORT)
        )
        .values_list("content_object_id", flat=True)
        .order_by()
    )
    covering = (
        CoverAssignment.objects.filter(teacher=user, starts_at__lte=at, ends_at__gt=at)
        .values_list("school_class_id", flat=True)
        .order_by()
    )
    return set(assigned.union(covering))


def classes_staffed_by(
    user: User, *, codenames: tuple[str, ...] = (TEACH, SUPPORT), at: datetime | None = None
) -> QuerySet[SchoolClass]:
    """The classes where ``user`` holds one of ``codenames`` or covers now, as one query."""
    at = at or timezone.now()
    assigned = SchoolClassUserObjectPermission.objects.filter(
        user=user, permission__codename__in=codenames
    ).values("content_object_id")
    covering = CoverAssignment.objects.filter(
        teacher=user, starts_at__lte=at, ends_at__gt=at
    ).values("school_class_id")
    return SchoolClass.objects.filter(Q(pk__in=assigned) | Q(pk__in=covering))


def staff_classes(user: User, *, at: datetime | None = None) -> list[SchoolClass]:
    """The classes ``user`` works with now (assigned, or covering), by year group and name, in
    one query: for pages that list them and need their ids too."""
    return list(classes_staffed_by(user, at=at).order_by("year_group", "name"))


def teachers_by_class(class_ids: set[int]) -> dict[int, list[User]]:
    """The teachers (not support staff) of each class, by class id, in one query."""
    rows = (
        SchoolClassUserObjectPermission.objects.filter(
            content_object_id__in=class_ids, permission__codename=TEACH
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    teachers: dict[int, list[User]] = defaultdict(list)
    for row in rows:
        teachers[row.content_object_id].append(row.user)
    return teachers


def current_covers_for(user: User, *, at: datetime | None = None) -> QuerySet[CoverAssignment]:
    at = at or timezone.now()
    return CoverAssignment.objects.filter(teacher=user, starts_at__lte=at, ends_at__gt=at)
