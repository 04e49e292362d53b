"""Every model that holds data about a person or a pupil, and where it goes in the export (R28).

Each model with a foreign key, one-to-one or many-to-many relation to the user model or to
``classes.Pupil`` is either in an area's ``covers`` (one or more JSON files of the ZIP) or in
:data:`EXCLUDED` with the reason it is deliberately left out. A test walks every installed
model and fails on one that is in neither, so a new model cannot slip past the export.
"""

from __future__ import annotations

from collections import defaultdict

from django.apps import apps
from django.conf import settings
from django.db import models

from classes.models import Pupil

from . import (
    children,
    consents,
    events,
    messages,
    notifications,
    points,
    profile,
    records,
    stories,
    work,
)
from .base import Area

AREAS: tuple[Area, ...] = (
    profile.AREA,
    children.AREA,
    consents.AREA,
    points.AREA,
    stories.AREA,
    events.AREA,
    messages.AREA,
    notifications.AREA,
    work.AREA,
    records.AREA,
)

EXCLUDED: dict[str, str] = {
    "consent.FamilyContact": (
        "An address from the school's records for a family that has not joined: there is no "
        "account to export it to, and it goes with the pupil; the office answers a request "
        "for it from the school's records."
    ),
    "accounts.PupilLogin": (
        "A hash of the child's picture code and its lock-out counters, kept only to sign the "
        "child in: the hash says nothing about the child, and handing it out would weaken it."
    ),
}


def covered() -> dict[str, list[tuple[str, str]]]:
    """Each exported model's label, with the (file, key) pairs that hold its rows."""
    where: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for area in AREAS:
        for label, key in area.covers.items():
            where[label].append((area.filename, key))
    return dict(where)


def holds_personal_data(model: type[models.Model]) -> bool:
    """The model relates to a person (the user model) or a pupil: directly, by a foreign key,
    one-to-one or many-to-many field of its own."""
    people = {apps.get_model(settings.AUTH_USER_MODEL), Pupil}
    return model in people or any(
        field.is_relation and not field.auto_created and field.related_model in people
        for field in model._meta.get_fields()
    )


def unaccounted() -> list[str]:
    """Labels of models holding personal data that are neither exported nor excluded. A proxy
    is accounted for by its concrete model (it has no table of its own)."""
    known = covered().keys() | EXCLUDED.keys()
    missing = []
    for model in apps.get_models():
        concrete = model._meta.concrete_model or model
        if holds_personal_data(model) and concrete._meta.label not in known:
            missing.append(model._meta.label)
    return sorted(missing)
