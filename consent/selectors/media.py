"""The one question every other app asks: which of these pupils may appear in media, and if
not, why (R11, R12) — answered by display name (R6), in one query for any number of pupils."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from classes.models import Pupil, SchoolClass
from classes.names import NameRow, compute_display_names

from ..models import MediaStatus

REASONS = {
    "looked_after": _("looked-after child"),
    "no_record": _("no consent form"),
    MediaStatus.REFUSED: _("consent refused"),
    MediaStatus.WITHDRAWN: _("consent withdrawn"),
}


@dataclass(frozen=True)
class MediaVerdict:
    """Whether one pupil may appear in photos, recordings and work samples, and why not."""

    pupil_id: int
    display_name: str
    may_appear: bool
    reason: str  # "", or a key of REASONS

    @property
    def reason_text(self) -> str:
        return str(REASONS[self.reason]) if self.reason else ""


def _verdict(status: str | None, looked_after: bool | None) -> tuple[bool, str]:
    if looked_after:
        return False, "looked_after"  # overrides any consent (R11)
    if not status:  # no row, or no form received
        return False, "no_record"
    if status != MediaStatus.GRANTED:
        return False, status
    return True, ""


_FIELDS = (
    "pk",
    "school_class_id",
    "first_name",
    "surname",
    "consent__media_status",
    "consent__looked_after",
)


def media_verdicts(pupil_ids: Iterable[int]) -> dict[int, MediaVerdict]:
    """Verdicts for ``pupil_ids`` keyed by id, in ONE query whatever their number.

    The query also reads the pupils' current classmates, which the display names need (R6).
    """
    ids = set(pupil_ids)
    if not ids:
        return {}
    their_classes = Pupil.objects.filter(pk__in=ids).values("school_class_id")
    rows = Pupil.objects.filter(
        Q(pk__in=ids) | Q(school_class__in=their_classes, leaving_date__isnull=True)
    ).values_list(*_FIELDS)
    return _verdicts(list(rows), wanted=ids)


def _verdicts(rows: list[tuple], wanted: set[int]) -> dict[int, MediaVerdict]:
    names = compute_display_names(NameRow(r[0], r[1], r[2], r[3]) for r in rows)
    verdicts = {}
    for pk, _class_id, _first, _surname, status, looked_after in rows:
        if pk in wanted:
            may_appear, reason = _verdict(status, looked_after)
            verdicts[pk] = MediaVerdict(pk, names[pk], may_appear, reason)
    return verdicts


def media_refusals(pupil_ids: Iterable[int]) -> list[MediaVerdict]:
    """The pupils among ``pupil_ids`` who may NOT appear, by display name (one query)."""
    verdicts = media_verdicts(pupil_ids).values()
    return sorted((v for v in verdicts if not v.may_appear), key=lambda v: v.display_name)


def class_verdicts(class_ids: Iterable[int]) -> dict[int, list[MediaVerdict]]:
    """Every current pupil of each class with their verdict, by class id (one query, R14)."""
    rows = list(
        Pupil.objects.current().filter(school_class__in=list(class_ids)).values_list(*_FIELDS)
    )
    verdicts = _verdicts(rows, wanted={r[0] for r in rows})
    by_class: dict[int, list[MediaVerdict]] = defaultdict(list)
    for row in rows:
        by_class[row[1]].append(verdicts[row[0]])
    return by_class


def roster_for(school_class: SchoolClass) -> list[MediaVerdict]:
    """Every current pupil of the class with their verdict, by display name (one query, R14)."""
    verdicts = class_verdicts([school_class.pk])[school_class.pk]
    return sorted(verdicts, key=lambda v: v.display_name.casefold())
