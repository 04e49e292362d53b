"""Reads for the join flow and the office's letters (R2, R3, R6): fixed numbers of queries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from classes.models import Pupil
from classes.names import NamedPupil, named_pupils

from ..models import ExtraParentRequest, InviteCode, User

P = TypeVar("P", bound=Pupil)


def join_outcome_pupil(*, parent: User, pupil_id: int, linked: bool) -> NamedPupil | None:
    """The child a redemption was about, with display name and class (two queries).

    ``None`` unless ``parent`` is linked to the child (``linked``) or has a pending request
    for them, so the done page never names a child the parent has no tie to.
    """
    pupils = Pupil.objects.select_related("school_class").filter(pk=pupil_id)
    if linked:
        pupils = pupils.filter(parent_links__parent=parent)
    else:
        pupils = pupils.filter(
            extra_parent_requests__parent=parent,
            extra_parent_requests__status=ExtraParentRequest.Status.PENDING,
        )
    found = list(pupils[:1])
    return named_pupils(found)[0] if found else None


def pupils_for_letters(pupil_ids: Iterable[int]) -> list[NamedPupil]:
    """The pupils, with class and display name, in class then name order (two queries)."""
    pupils = (
        Pupil.objects.filter(pk__in=list(pupil_ids))
        .select_related("school_class")
        .order_by("school_class__name", "first_name", "surname", "pk")
    )
    return named_pupils(pupils)


def invite_codes_still_working(pupil: Pupil) -> QuerySet[InviteCode]:
    """The pupil's codes that a parent could still redeem: not used, cancelled or expired."""
    return InviteCode.objects.filter(
        pupil=pupil, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def invite_counts_per_pupil(pupils: QuerySet[P]) -> QuerySet[P]:
    """``pupils`` annotated with their codes: ``codes_issued``, ``codes_used``,
    ``codes_revoked``, ``codes_expired`` (never used, never cancelled, past their date) and
    ``codes_working``; one query however many pupils and codes."""
    now = timezone.now()
    open_ = Q(invite_codes__used_at__isnull=True, invite_codes__revoked_at__isnull=True)
    return pupils.annotate(
        codes_issued=Count("invite_codes"),
        codes_used=Count(
            "invite_codes",
            filter=Q(invite_codes__used_at__isnull=False, invite_codes__revoked_at__isnull=True),
        ),
        codes_revoked=Count("invite_codes", filter=Q(invite_codes__revoked_at__isnull=False)),
        codes_expired=Count("invite_codes", filter=open_ & Q(invite_codes__expires_at__lte=now)),
        codes_working=Count("invite_codes", filter=open_ & Q(invite_codes__expires_at__gt=now)),
    )
