"""Reads for parents' data-processing consent (R4): the form parents agree to now, and which of
a parent's children they have agreed to it for. Each a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Subquery

from accounts.models import User
from classes.models import Pupil, PupilQuerySet
from classes.names import named_pupils

from ..models import DataProcessingAgreement, DataProcessingForm


@dataclass(frozen=True)
class ChildAgreement:
    """A parent's child on the consent page, by display name, and when this parent agreed to
    the form for them (None: not yet)."""

    pupil: Pupil
    display_name: str
    agreed_at: dt.datetime | None


def dp_form_current() -> DataProcessingForm | None:
    """The form parents agree to now (the highest version), or None when none is published."""
    return DataProcessingForm.objects.order_by("-version").first()


def _current_children(parent: User) -> PupilQuerySet[Pupil]:
    return Pupil.objects.current().filter(parent_links__parent=parent)


def _children_agreed_at(
    parent: User, form: DataProcessingForm
) -> list[tuple[Pupil, dt.datetime | None]]:
    """The parent's current children (class loaded), each with when this parent agreed to
    ``form`` for them, or None (one query)."""
    agreed = DataProcessingAgreement.objects.filter(
        parent=parent, form=form, pupil=OuterRef("pk")
    ).values("agreed_at")[:1]
    children = (
        _current_children(parent)
        .select_related("school_class")
        .annotate(dp_agreed_at=Subquery(agreed))
        .order_by("first_name", "pk")
    )
    return [(child, child.dp_agreed_at) for child in children]


def dp_children(parent: User, form: DataProcessingForm) -> list[ChildAgreement]:
    """The parent's current children (class loaded) by display name, each with when this
    parent agreed to ``form`` for them (two queries)."""
    children = _children_agreed_at(parent, form)
    named = named_pupils(child for child, _agreed_at in children)
    return [
        ChildAgreement(child.pupil, child.display_name, agreed_at)
        for child, (_pupil, agreed_at) in zip(named, children, strict=True)
    ]


def dp_children_pending(parent: User) -> list[Pupil]:
    """The parent's current children without their agreement to the CURRENT form version,
    with their class loaded (two queries; none pending when no form is published)."""
    form = dp_form_current()
    if form is None:
        return []
    return [child for child, agreed_at in _children_agreed_at(parent, form) if agreed_at is None]


def dp_pending_exists(parent: User) -> bool:
    """Whether the parent still has a child to agree for; ONE query, for the request gate."""
    latest = DataProcessingForm.objects.order_by("-version").values("pk")[:1]
    agreed = DataProcessingAgreement.objects.filter(
        parent=parent, pupil=OuterRef("pk"), form=Subquery(latest)
    )
    return (
        _current_children(parent)
        .filter(Exists(DataProcessingForm.objects.all()))
        .filter(~Exists(agreed))
        .exists()
    )
