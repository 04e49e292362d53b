"""Reads for the join flow and the office's letters (R2, R3, R6): fixed numbers of queries."""

from __future__ import annotations

from collections.abc import Iterable

from classes.models import Pupil
from classes.names import with_display_names

from ..models import ExtraParentRequest, User


def join_outcome_pupil(*, parent: User, pupil_id: int, linked: bool) -> Pupil | None:
    """The child a redemption was about, with ``display_name`` and class (two queries).

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
    return with_display_names(found)[0] if found else None


def pupils_for_letters(pupil_ids: Iterable[int]) -> list[Pupil]:
    """The pupils, with class and ``display_name``, in class then name order (two queries)."""
    pupils = (
        Pupil.objects.filter(pk__in=list(pupil_ids))
        .select_related("school_class")
        .order_by("school_class__name", "first_name", "surname", "pk")
    )
    return with_display_names(pupils)
