"""What staff see on their home page: their classes, covered classes, pupils by display name."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from classes.models import Pupil, SchoolClass
from classes.names import with_display_names
from classes.selectors import SUPPORT, TEACH

from .models import PupilLogin, User


def teacher_home(user: User) -> dict[str, Any]:
    """Assigned classes and classes covered now, each with pupils by display name (4 queries)."""
    now = timezone.now()
    assigned = list(
        SchoolClass.objects.filter(
            staff_permissions__user=user,
            staff_permissions__permission__codename__in=(TEACH, SUPPORT),
        )
        .distinct()
        .order_by("year_group", "name")
    )
    covered = list(
        SchoolClass.objects.filter(covers__teacher=user, covers__starts_at__lte=now, covers__ends_at__gt=now)
        .exclude(pk__in=[c.pk for c in assigned])
        .prefetch_related(Prefetch("covers", to_attr="current_covers", queryset=_covers(user, now)))
        .distinct()
        .order_by("year_group", "name")
    )
    classes = assigned + covered
    pupils = with_display_names(
        Pupil.objects.current()
        .filter(school_class__in=classes)
        .select_related("login")
        .order_by("first_name", "surname", "pk")
    )
    by_class: dict[int, list[Pupil]] = defaultdict(list)
    for pupil in pupils:
        by_class[pupil.school_class_id or 0].append(pupil)
    for school_class in classes:
        school_class.pupil_list = by_class[school_class.pk]  # type: ignore[attr-defined]
    return {
        "assigned_classes": assigned,
        "covered_classes": covered,
        "locked_pupils": [p for p in pupils if _locked(p)],
    }


def _covers(user: User, now: Any) -> Any:
    from classes.models import CoverAssignment

    return CoverAssignment.objects.filter(teacher=user, starts_at__lte=now, ends_at__gt=now)


def _locked(pupil: Pupil) -> bool:
    try:
        login: PupilLogin = pupil.login  # type: ignore[attr-defined]
    except PupilLogin.DoesNotExist:
        return False
    return login.locked_at is not None
