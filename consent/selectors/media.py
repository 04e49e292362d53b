"""The one question every other app asks: which of these pupils may appear in media, and if
not, why (R11, R12) — answered by display name (R6), in one query for any number of pupils."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
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


MAY_APPEAR = _("May appear")
# Translators: a pupil's media verdict in the office's list and the roster: "Must not appear —
# looked-after child", "Must not appear — consent withdrawn".
MUST_NOT_APPEAR = _("Must not appear — %(reason)s")


def verdict_text(reason: str) -> str:
    """The verdict in words for a ``reason`` ("" or a key of ``REASONS``)."""
    return str(MUST_NOT_APPEAR % {"reason": REASONS[reason]}) if reason else str(MAY_APPEAR)


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

    @property
    def text(self) -> str:
        return verdict_text(self.reason)


def media_reason() -> Case:
    """THE answer, as SQL: "" when the pupil may appear in media, else why not (a key of
    ``REASONS``). A looked-after child never may, whatever the record says (R11); no record,
    or a record without a form, is no consent. Every verdict in the portal is this expression:
    :func:`media_verdicts` (the roster, the composer, the checks on a post) and the office's
    consent list, its column and its filters, annotate with it."""
    return Case(
        When(consent__looked_after=True, then=Value("looked_after")),
        When(
            Q(consent__media_status__isnull=True) | Q(consent__media_status=""),
            then=Value("no_record"),
        ),
        When(consent__media_status=MediaStatus.GRANTED, then=Value("")),
        default=F("consent__media_status"),
        output_field=CharField(),
    )


_FIELDS = ("pk", "school_class_id", "first_name", "surname", "verdict_reason")


def _rows(pupils: QuerySet[Pupil]) -> list[tuple]:
    return list(pupils.annotate(verdict_reason=media_reason()).values_list(*_FIELDS))


def media_verdicts(pupil_ids: Iterable[int]) -> dict[int, MediaVerdict]:
    """Verdicts for ``pupil_ids`` keyed by id, in ONE query whatever their number.

    The query also reads the pupils' current classmates, which the display names need (R6).
    """
    ids = set(pupil_ids)
    if not ids:
        return {}
    their_classes = Pupil.objects.filter(pk__in=ids).values("school_class_id")
    rows = _rows(
        Pupil.objects.filter(
            Q(pk__in=ids) | Q(school_class__in=their_classes, leaving_date__isnull=True)
        )
    )
    return _verdicts(rows, wanted=ids)


def _verdicts(rows: list[tuple], wanted: set[int]) -> dict[int, MediaVerdict]:
    names = compute_display_names(NameRow(r[0], r[1], r[2], r[3]) for r in rows)
    return {
        pk: MediaVerdict(pk, names[pk], reason == "", reason)
        for pk, _class_id, _first, _surname, reason in rows
        if pk in wanted
    }


def media_refusals(pupil_ids: Iterable[int]) -> list[MediaVerdict]:
    """The pupils among ``pupil_ids`` who may NOT appear, by display name (one query)."""
    verdicts = media_verdicts(pupil_ids).values()
    return sorted((v for v in verdicts if not v.may_appear), key=lambda v: v.display_name)


def class_verdicts(class_ids: Iterable[int]) -> dict[int, list[MediaVerdict]]:
    """Every current pupil of each class with their verdict, by class id (one query, R14)."""
    rows = _rows(Pupil.objects.current().filter(school_class__in=list(class_ids)))
    verdicts = _verdicts(rows, wanted={r[0] for r in rows})
    by_class: dict[int, list[MediaVerdict]] = defaultdict(list)
    for row in rows:
        by_class[row[1]].append(verdicts[row[0]])
    return by_class


def roster_for(school_class: SchoolClass) -> list[MediaVerdict]:
    """Every current pupil of the class with their verdict, by display name (one query, R14)."""
    verdicts = class_verdicts([school_class.pk])[school_class.pk]
    return sorted(verdicts, key=lambda v: v.display_name.casefold())
