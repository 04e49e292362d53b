"""A school's database and cache from an earlier release upgrade with ``migrate`` alone.

Every migration a release has shipped stays known under its app's label: the loader must still
find it (or a migration that replaces it), or a school's ``migrate`` would try to make its
tables again. The list grows with each release and nothing is ever taken off it.
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db.migrations.loader import MigrationLoader

from notifications.selectors import bell_for

# (app label, migration) for every migration shipped before the apps moved to the top level;
# dojo_portal's one migration is core's 0001_initial now (it replaces it).
SHIPPED = {
    "accounts": [
        "0001_initial",
        "0002_initial",
        "0003_user_no_child_since",
        "0004_constraint_messages",
    ],
    "audit": ["0001_initial", "0002_actor_role"],
    "classes": [
        "0001_initial",
        "0002_the_school",
        "0003_school_support_staff_messaging",
        "0004_constraint_messages",
    ],
    "consent": ["0001_initial", "0002_constraint_messages"],
    "dojo_portal": ["0001_initial"],
    "messaging": [
        "0001_initial",
        "0002_office_words_and_ready_replies",
        "0003_message_translated_at",
        "0004_message_photos",
        "0005_notifications_and_former_accounts",
        "0006_constraint_messages",
    ],
    "notifications": [
        "0001_initial",
        "0002_pupil_lock_kind",
        "0003_kind_sign_in",
        "0004_constraint_messages",
    ],
    "points": ["0001_initial", "0002_school_values", "0003_constraint_messages"],
    "privacy": ["0001_initial", "0002_export_claim_renewed", "0003_constraint_messages"],
    "stories": ["0001_initial", "0002_post_notified_at", "0003_constraint_messages"],
}
# Labels that were apps of their own then, and are now replaced by another app's migrations.
FOLDED = {"dojo_portal": "core"}


def _known(loader: MigrationLoader) -> set[tuple[str, str]]:
    known = set(loader.graph.nodes)
    for migration in loader.disk_migrations.values():
        known.update(tuple(key) for key in migration.replaces)
    return known


@pytest.mark.parametrize("label", sorted(SHIPPED))
def test_every_shipped_migration_is_still_known_under_its_label(label: str) -> None:
    apps.get_app_config(FOLDED.get(label, label))  # the app is installed under this label
    known = _known(MigrationLoader(None, ignore_no_migrations=True))
    missing = [name for name in SHIPPED[label] if (label, name) not in known]
    assert missing == []


def test_the_config_packages_migration_is_replaced_by_cores() -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    core_initial = loader.disk_migrations[("core", "0001_initial")]
    assert ("dojo_portal", "0001_initial") in core_initial.replaces


def test_a_bell_cached_by_an_earlier_release_counts_as_no_bell(parent_with_child) -> None:
    """The cache outlives an upgrade: a bell pickled when its class lived in a module that is
    gone is not read back (every page would fail until it expired); it is counted again."""
    parent, _child = parent_with_child
    gone = types.ModuleType("dojo_portal_before_the_move")

    @dataclass(frozen=True)
    class Bell:
        unread: int

    Bell.__module__, Bell.__qualname__ = gone.__name__, "Bell"
    vars(gone)["Bell"] = Bell
    sys.modules[gone.__name__] = gone
    try:
        cache.set(f"notifications:bell:{parent.pk}", Bell(7))
    finally:
        del sys.modules[gone.__name__]
    assert bell_for(parent).unread == 0
    assert bell_for(parent) == cache.get(f"notifications:bell:{parent.pk}")
