"""Points totals from aggregates, never by loading award rows (R26)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, Sum
from django.utils import timezone

from classes.selectors import school_get

from ..models import Award
from ..periods import periods_at


@dataclass(frozen=True)
class Totals:
    today: int = 0
    week: int = 0
    term: int = 0
    all_time: int = 0


def pupil_totals(pupil_ids: Iterable[int], *, now: datetime | None = None) -> dict[int, Totals]:
    """Each pupil's totals for today, this week, this term and all time (one query; the school
    for its calendar is cached)."""
    ids = set(pupil_ids)
    if not ids:
        return {}
    periods = periods_at(now or timezone.now(), school_get().tz)
    rows = (
        Award.objects.filter(pupil_id__in=ids)
        .values("pupil_id")
        .annotate(
            today=Sum("value", filter=Q(awarded_at__gte=periods.today)),
            week=Sum("value", filter=Q(awarded_at__gte=periods.week)),
            term=Sum("value", filter=Q(awarded_at__gte=periods.term)),
            all_time=Sum("value"),
        )
        .order_by()
    )
    totals = {pk: Totals() for pk in ids}
    for row in rows:
        totals[row["pupil_id"]] = Totals(
            today=row["today"] or 0,
            week=row["week"] or 0,
            term=row["term"] or 0,
            all_time=row["all_time"] or 0,
        )
    return totals
