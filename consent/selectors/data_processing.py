"""Reads for parents' data-processing consent (R4): the form parents agree to now, and which of
a parent's children they have agreed to it for. Each a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Subquery

from accounts.models import User
from classes.models import Pupil, PupilQuerySet
from classes.names import named_pupils
from core.generations import cached_many, cached_put, generation, generation_key

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


# The current form's id (0: none published), dropped when a version is published or removed.
DP_FORM_CACHE_KEY = "consent:dp-current-form"
DP_FORM_CACHE_SECONDS = 300
# Everything else a parent's answer depends on (their children, and agreements withdrawn):
# ``consent.receivers`` replaces this generation when any of it changes.
DP_GENERATION = "consent:dp-gate"
# A parent with nothing pending, for the form and generation the value names.
DP_CLEAR_CACHE_KEY = "consent:dp-clear:{parent}"
DP_CLEAR_CACHE_SECONDS = 3600


def dp_form_current_id(cached: dict[str, Any] | None = None) -> int:
    """The current form's id, 0 when none is published: from the cache (or ``cached``, a
    ``core.generations.cached_many`` answer that asked for it), else one query."""
    found = (cached if cached is not None else cached_many([DP_FORM_CACHE_KEY])).get(
        DP_FORM_CACHE_KEY
    )
    if isinstance(found, int):
        return found
    form_id = DataProcessingForm.objects.order_by("-version").values_list("pk", flat=True).first()
    cached_put(DP_FORM_CACHE_KEY, form_id or 0, DP_FORM_CACHE_SECONDS)
    return form_id or 0


def dp_gate_pending(parent: User) -> bool:
    """Whether the request gate must send ``parent`` to the form (R4). A parent found with
    nothing pending is remembered in the cache for the current form version and generation, so
    their later requests cost no query; a parent with something pending is asked the database
    on every request (one query), and so is anyone the cache cannot answer for."""
    clear_key = DP_CLEAR_CACHE_KEY.format(parent=parent.pk)
    cached = cached_many([DP_FORM_CACHE_KEY, generation_key(DP_GENERATION), clear_key])
    form_id = dp_form_current_id(cached)
    if not form_id:
        return False
    stamp = (form_id, generation(DP_GENERATION, cached))
    if cached.get(clear_key) == stamp:
        return False
    if dp_pending_exists(parent):
        return True
    cached_put(clear_key, stamp, DP_CLEAR_CACHE_SECONDS)
    return False


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
