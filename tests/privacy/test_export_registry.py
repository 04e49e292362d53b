"""R28: every model that holds data about a person or a pupil is in the export, or left out on
purpose with a reason. The registry is checked against every installed model, so a model added
later without an entry fails here; and a world with a row in every covered model proves each
one really reaches the ZIP's JSON."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps

from accounts.models import User
from classes.models import Pupil
from privacy.export import registry
from privacy.export.base import subject_load
from privacy.services.export import export_request
from tests.privacy.export_world import make_everything


def test_R28_every_model_about_a_person_or_a_pupil_is_exported_or_excluded() -> None:
    missing = registry.unaccounted()

    assert not missing, (
        "These models hold data about a person or a pupil but are neither in an export area's "
        f"`covers` nor in privacy.export.registry.EXCLUDED (with a reason): {missing}"
    )


def test_R28_a_model_left_out_of_the_registry_is_caught(monkeypatch) -> None:
    monkeypatch.setattr(registry, "EXCLUDED", {})

    assert registry.unaccounted() == ["accounts.PupilLogin", "consent.FamilyContact"]


def test_the_walk_sees_the_relations_to_people_and_pupils() -> None:
    labels = {m._meta.label for m in apps.get_models() if registry.holds_personal_data(m)}

    # a foreign key to the user, to a pupil, a many-to-many to pupils, and the two themselves
    assert {"stories.Like", "points.Award", "stories.Post", "accounts.User", "classes.Pupil"} <= (
        labels
    )
    assert "classes.School" not in labels


def test_every_registry_entry_names_an_installed_model_and_exclusions_say_why() -> None:
    for label in [*registry.covered(), *registry.EXCLUDED]:
        assert apps.get_model(label) is not None
    assert all(len(reason) > 40 for reason in registry.EXCLUDED.values())
    assert not set(registry.covered()) & set(registry.EXCLUDED)


def _built(user: User) -> dict[str, dict[str, Any]]:
    subject = subject_load(user)
    return {area.filename: area.build(subject).data for area in registry.AREAS}


def _holds(files: dict[str, dict[str, Any]], label: str, filename: str, key: str) -> bool:
    value = files[filename][key]
    if key == "records_you_made":  # many models share this list: find this model's rows
        name = str(apps.get_model(label)._meta.verbose_name)
        return any(row["record"] == name for row in value)
    return bool(value)


@pytest.mark.django_db
def test_R28_each_covered_model_reaches_the_export(school, django_capture_on_commit_callbacks):
    world = make_everything(django_capture_on_commit_callbacks)
    export_request(acting_user=world.parent)
    export_request(acting_user=world.office, subject=world.parent)
    exports = [_built(user) for user in (world.parent, world.teacher, world.office)]

    absent = [
        label
        for label, places in registry.covered().items()
        if not any(
            _holds(files, label, filename, key) for files in exports for filename, key in places
        )
    ]

    assert not absent, f"no row of these models reached any export: {absent}"
    assert Pupil.objects.count() == 3
