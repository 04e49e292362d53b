"""Reads of the class award screen (R25) and the class's skills page: each a fixed number of
queries whatever the class's size or history."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.safestring import SafeString

from classes.models import Pupil, SchoolClass
from classes.names import display_names
from classes.selectors import school_get

from ..avatars import avatar_svg, avatars_for
from ..icons import icon_svg
from ..models import Award, Skill
from ..periods import periods_at


def today_label(points: int) -> str:
    return f"{points:+d}" if points else "0"


@dataclass(frozen=True)
class Tile:
    pupil_id: int
    name: str
    avatar: SafeString
    today: int

    @property
    def today_label(self) -> str:
        return today_label(self.today)


class SkillButton(NamedTuple):
    """A skill as the screen and the skills page show it: the skill and its icon's markup."""

    skill: Skill
    icon: SafeString


def class_tiles(school_class: SchoolClass, *, only: Collection[int] | None = None) -> list[Tile]:
    """The class's current pupils (or ``only`` these of them) by display name, never by points,
    each with their monster and today's total. Four queries: pupils, names, avatars, totals
    (and the school when it is not in the cache)."""
    in_class = Pupil.objects.current().filter(school_class=school_class)
    pupils = list(in_class if only is None else in_class.filter(pk__in=only))
    names = display_names(pupils)
    ids = [pupil.pk for pupil in pupils]
    avatars = avatars_for(ids)
    totals = today_totals(school_class, ids)
    tiles = [
        Tile(
            pupil_id=pk,
            name=names[pk],
            avatar=avatar_svg(avatars.get(pk), pupil_id=pk, size=64),
            today=totals.get(pk) or 0,
        )
        for pk in ids
    ]
    return sorted(tiles, key=lambda tile: (tile.name.casefold(), tile.pupil_id))


def today_totals(school_class: SchoolClass, pupil_ids: Collection[int]) -> dict[int, int]:
    """Each pupil's points today in the class (one query, the sums; the school's day comes
    from the cached school)."""
    today = periods_at(timezone.now(), school_get().tz).today
    return dict(
        Award.objects.filter(
            school_class=school_class, pupil_id__in=pupil_ids, awarded_at__gte=today
        )
        .values("pupil_id")
        .annotate(total=Sum("value"))
        .order_by()
        .values_list("pupil_id", "total")
    )


def class_skills(school_class: SchoolClass) -> list[SkillButton]:
    """The skills to give in the class: the school's and the class's own, not archived, each
    with its icon (one query)."""
    skills = Skill.objects.filter(
        Q(school_class__isnull=True) | Q(school_class=school_class), archived=False
    ).order_by("-kind", "name")
    return [SkillButton(skill, icon_svg(skill.icon)) for skill in skills]
