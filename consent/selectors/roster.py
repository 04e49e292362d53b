"""The consent roster (R14): for each class, who may appear in media and who may not, by
display name (R6). Every function here is a fixed number of queries whatever the class sizes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet, Subquery

from accounts.models import User
from classes.models import SchoolClass
from classes.selectors import staff_class_ids

from ..permissions import can_manage_consent
from .media import MediaVerdict, class_verdicts


@dataclass(frozen=True)
class Roster:
    """One class's roster: those who must not appear first (what a teacher needs at a glance),
    then those who may, each group by display name."""

    school_class: SchoolClass
    must_not: list[MediaVerdict]
    may: list[MediaVerdict]

    @classmethod
    def of(cls, school_class: SchoolClass, verdicts: Sequence[MediaVerdict]) -> Roster:
        ordered = sorted(verdicts, key=lambda v: v.display_name.casefold())
        return cls(
            school_class=school_class,
            must_not=[v for v in ordered if not v.may_appear],
            may=[v for v in ordered if v.may_appear],
        )

    @property
    def entries(self) -> list[MediaVerdict]:
        return self.must_not + self.may


def current_year_classes() -> QuerySet[SchoolClass]:
    """Every class of the current academic year (the latest one the office has set up)."""
    latest = SchoolClass.objects.order_by("-academic_year").values("academic_year")[:1]
    return SchoolClass.objects.filter(academic_year=Subquery(latest)).order_by(
        "year_group", "name"
    )


def roster_classes_for(user: User) -> list[SchoolClass]:
    """The classes whose roster ``user`` may see: for the office and leaders every class of the
    current academic year (one query); for teachers and support staff the classes they are
    assigned to or cover right now (two queries); for anyone else none."""
    if can_manage_consent(user):
        return list(current_year_classes())
    if not user.is_staff_member:
        return []
    ids = staff_class_ids(user)
    return list(SchoolClass.objects.filter(pk__in=ids).order_by("year_group", "name"))


def rosters_for(classes: Sequence[SchoolClass]) -> list[Roster]:
    """The rosters of ``classes``, in their order, in ONE query whatever their number and size."""
    if not classes:
        return []
    by_class = class_verdicts(c.pk for c in classes)
    return [Roster.of(c, by_class[c.pk]) for c in classes]
