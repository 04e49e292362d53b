"""What the points app adds to a parent's home page (see ``core.family_home``): each child's
monster (R27) and their points this week (R26), for all the children in one query."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from classes.models import Pupil
from classes.selectors import school_get
from core.family_home import HomePart, card_part_register

from .avatars import avatar_svg
from .models import Avatar, Award
from .periods import periods_at

TEMPLATE = "points/includes/home_card.html"


def _week_total(since: Any) -> Subquery:
    """A pupil's points since ``since``: the week of ``points.selectors.totals.pupil_totals``."""
    awards = (
        Award.objects.filter(pupil_id=OuterRef("pk"), awarded_at__gte=since)
        .values("pupil_id")
        .annotate(total=Sum("value"))
        .values("total")
    )
    return Subquery(awards, output_field=IntegerField())


def monster_and_week(parent: Any, children: Sequence[Any]) -> Mapping[int, HomePart]:
    """Each child's monster and points since Monday (one query; the school is cached). The
    children are the parent's own, which is what R26 lets them see."""
    week = periods_at(timezone.now(), school_get().tz).week
    pupils = (
        Pupil.objects.filter(pk__in=[child.pupil.pk for child in children])
        .select_related("avatar")
        .annotate(week_points=Coalesce(_week_total(week), 0))
    )
    names = {child.pupil.pk: child.display_name for child in children}
    parts = {}
    for pupil in pupils:
        avatar: Avatar | None = getattr(pupil, "avatar", None)
        parts[pupil.pk] = HomePart(
            TEMPLATE,
            {
                "monster": avatar_svg(avatar, pupil_id=pupil.pk, size=56),
                "week": pupil.week_points,
                "pupil_id": pupil.pk,
                "name": names[pupil.pk],
            },
        )
    return parts


def register() -> None:
    card_part_register(monster_and_week, order=10)
