"""Leavers (R28): the office marks pupils as left, one by one or the whole of Year 6 at the end
of the school year. From their leaving date a pupil is no longer current: their parents stop
seeing new posts and messaging about them stops (R15, R18), and ``PUPIL_RETENTION_DAYS``
later the nightly job erases their data (``privacy.retention``)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors.people import CHILDREN_GENERATION
from audit import AuditAction, audit_record_many
from classes.models import Pupil, YearGroup
from consent.selectors.data_processing import DP_GENERATION
from core.generations import generation_bump

from .permissions.deletion import can_mark_leavers

FUTURE_DATE = _(
    "A leaving date cannot be in the future: a pupil marked as left stops being current at "
    "once. Mark them on their last day, or after it."
)


def year6_current() -> QuerySet[Pupil]:
    """The current pupils of Year 6: those the end of the school year makes leavers."""
    return Pupil.objects.current().filter(school_class__year_group=YearGroup.YEAR_6)


@transaction.atomic
def pupils_mark_left(
    *, acting_user: User, pupils: QuerySet[Pupil], on: dt.date | None = None
) -> list[Pupil]:
    """Mark the pupils among ``pupils`` who have not left as left on ``on`` (today when not
    given); those already marked keep their date. Returns the pupils marked now."""
    if not can_mark_leavers(acting_user):
        raise PermissionDenied
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError(FUTURE_DATE, code="future")
    # ``pupils`` may be the admin's annotated list: rows are locked by id, without its GROUP BY
    chosen = Pupil.objects.filter(pk__in=pupils.values("pk"), leaving_date__isnull=True)
    marked = list(chosen.select_for_update().order_by("pk"))
    Pupil.objects.filter(pk__in=[pupil.pk for pupil in marked]).update(leaving_date=on)
    # An UPDATE sends no signal: drop the answers kept about these children's families.
    generation_bump(CHILDREN_GENERATION)
    generation_bump(DP_GENERATION)
    audit_record_many(
        AuditAction.PUPIL_LEFT,
        actor=acting_user,
        subjects=marked,
        details={"leaving_date": on.isoformat()},
    )
    return marked
