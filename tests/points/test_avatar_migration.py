"""R27: an existing school upgrades with ``migrate`` alone. Horns and the antenna were
accessories before monsters had ears; a pupil who chose them keeps them, now as ears."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from points.avatars import avatar_svg
from points.models import Avatar
from tests.factories import PupilFactory

BEFORE = [("points", "0003_constraint_messages")]

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_R27_saved_horns_and_antenna_become_ears_and_keep_showing(school_class: Any) -> None:
    pupils = PupilFactory.create_batch(3, school_class=school_class)
    try:
        old = _migrate(BEFORE).get_model("points", "Avatar")
        common = {"body": "round", "eyes": "two", "mouth": "smile", "colour": "blue"}
        for pupil, accessory in zip(pupils, ("horns", "antenna", "bow"), strict=True):
            old.objects.create(pupil_id=pupil.pk, accessory=accessory, **common)
    finally:
        _migrate(_leaves())
    saved = {a.pupil_id: (a.ears, a.pattern, a.accessory) for a in Avatar.objects.all()}
    assert saved == {
        pupils[0].pk: ("horns", "none", "none"),
        pupils[1].pk: ("antenna", "none", "none"),
        pupils[2].pk: ("none", "none", "bow"),
    }
    drawn = str(avatar_svg(Avatar.objects.get(pupil=pupils[0]), pupil_id=pupils[0].pk))
    assert (
        'aria-label="Monster: round blue body, two eyes, big smile, horns, no pattern, ' in drawn
    )


def _leaves() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()
