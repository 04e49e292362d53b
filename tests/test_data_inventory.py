"""R28: the data inventory (docs/data-inventory.md) names every stored field of every model that
holds the school's data, says for each its purpose, lawful basis, who sees it, retention and
export, and states the retention defaults the code applies. A field added, renamed or removed
without the inventory following fails here, by name."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test.utils import isolate_apps

INVENTORY = Path(settings.BASE_DIR) / "docs" / "data-inventory.md"

# The project's own apps (labels): every concrete model in them is inventoried.
PROJECT_APPS = frozenset(
    {
        "accounts",
        "classes",
        "consent",
        "stories",
        "events",
        "messaging",
        "points",
        "audit",
        "notifications",
        "privacy",
    }
)
# Libraries' tables that hold the school's data without a relation to a person of their own
# (every library model with such a relation is found by ``relates_to_people``).
LIBRARY_MODELS = frozenset({"account.EmailConfirmation", "sessions.Session"})
BASES = frozenset({"public task", "consent", "legal obligation", "not personal data"})
COLUMNS = ["field", "purpose", "lawful basis", "who can see it", "retention", "export"]

HEADING = re.compile(r"^### (\w+\.\w+)\s*$")
ROW = re.compile(r"^\|\s*`(\w+)`\s*\|(.*)\|\s*$")
TICKED = re.compile(r"`([A-Z][A-Z_]+)`")


@dataclass
class Inventory:
    """What the document says: each model's rows by field name, and the retention table."""

    fields: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    periods: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)


def _cells(text: str) -> list[str]:
    return [cell.strip() for cell in text.split("|")]


def parse(text: str) -> Inventory:
    """Read the tables: ``### app.Model`` headings with ``| `field` | …`` rows under them, and
    the retention table's ``| `NAME` | default | unit | read from | … |`` rows."""
    inventory = Inventory()
    current: str | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = None
        if heading := HEADING.match(line):
            current = heading.group(1)
            if current in inventory.fields:
                inventory.duplicates.append(current)
            inventory.fields.setdefault(current, {})
            continue
        row = ROW.match(line)
        if row is None:
            continue
        name, rest = row.group(1), _cells(row.group(2))
        if current is not None:
            if name in inventory.fields[current]:
                inventory.duplicates.append(f"{current}.{name}")
            inventory.fields[current][name] = rest
        elif len(rest) >= 3 and rest[0].isdigit():
            inventory.periods[name] = (int(rest[0]), rest[1], rest[2].strip("`"))
    return inventory


def relates_to_people(model: type[models.Model]) -> bool:
    """The model has a relation of its own to a person (the user model) or a pupil."""
    people = {apps.get_model(settings.AUTH_USER_MODEL), apps.get_model("classes", "Pupil")}
    return model in people or any(
        f.is_relation and not f.auto_created and f.related_model in people
        for f in model._meta.get_fields()
    )


def inventoried_models() -> list[type[models.Model]]:
    """Every model with a table of its own that holds the school's data: all of the project's
    apps, and any library model related to a person or a pupil, or listed above."""
    return [
        model
        for model in apps.get_models()
        if not model._meta.proxy
        and (
            model._meta.app_label in PROJECT_APPS
            or relates_to_people(model)
            or model._meta.label in LIBRARY_MODELS
        )
    ]


def stored_fields(model: type[models.Model]) -> list[str]:
    """The names of the model's stored fields: columns (foreign keys included) and its own
    many-to-many fields."""
    return [
        f.name
        for f in model._meta.get_fields()
        if getattr(f, "concrete", False) or (f.many_to_many and not f.auto_created)
    ]


def _row_problems(label: str, name: str, cells: list[str]) -> list[str]:
    if len(cells) != len(COLUMNS) - 1 or not all(cells):
        return [f"{label}.{name}: the row needs {len(COLUMNS) - 1} filled columns"]
    basis, export = cells[1], cells[4]
    problems = []
    if basis not in BASES:
        problems.append(f"{label}.{name}: unknown lawful basis {basis!r}")
    if not re.match(r"^(yes|no)\b", export):
        problems.append(f"{label}.{name}: export must say yes or no, not {export!r}")
    return problems


def problems(models_: Iterable[type[models.Model]], inventory: Inventory) -> list[str]:
    """Everything wrong between the models and the document, one line each."""
    found = [f"listed twice: {what}" for what in inventory.duplicates]
    expected = {model._meta.label: stored_fields(model) for model in models_}
    for label, names in expected.items():
        rows = inventory.fields.get(label)
        if rows is None:
            found.append(f"missing model: {label}")
            continue
        found += [f"missing field: {label}.{name}" for name in names if name not in rows]
        found += [f"no such field: {label}.{name}" for name in rows if name not in names]
        for name, cells in rows.items():
            found += _row_problems(label, name, cells)
    found += [f"no such model: {label}" for label in inventory.fields if label not in expected]
    return found


def _resolve(path: str) -> object:
    if path.startswith("settings."):
        return getattr(settings, path.removeprefix("settings."))
    module, _dot, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _in_unit(value: object, unit: str) -> int:
    if isinstance(value, dt.timedelta):
        return int(value.total_seconds()) if unit == "seconds" else value.days
    return int(value)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    return parse(INVENTORY.read_text(encoding="utf-8"))


def test_R28_every_stored_field_is_in_the_inventory_and_nothing_else(
    inventory: Inventory,
) -> None:
    assert problems(inventoried_models(), inventory) == []


def test_R28_the_inventory_covers_the_school_data_held_by_libraries(
    inventory: Inventory,
) -> None:
    for label in ("account.EmailAddress", "mfa.Authenticator", "admin.LogEntry"):
        assert label in inventory.fields


def test_R28_retention_defaults_in_the_inventory_are_the_codes(inventory: Inventory) -> None:
    for name in ("PUPIL_RETENTION_DAYS", "MESSAGE_RETENTION_DAYS", "PARENT_WITHOUT_CHILD_DAYS"):
        assert name in inventory.periods
    wrong = {
        name: (default, _in_unit(_resolve(path), unit))
        for name, (default, unit, path) in inventory.periods.items()
        if _in_unit(_resolve(path), unit) != default
    }
    assert wrong == {}


def test_R28_every_period_a_row_names_is_in_the_retention_table(inventory: Inventory) -> None:
    named = {
        period
        for rows in inventory.fields.values()
        for cells in rows.values()
        for period in TICKED.findall(cells[3] if len(cells) > 3 else "")
    }
    assert named - inventory.periods.keys() == set()


# The check bites -----------------------------------------------------------------------------

SAMPLE = """
## Example

### classes.Pupil

| field | purpose | lawful basis | who can see it | retention | export |
|---|---|---|---|---|---|
| `id` | key | public task | office | `PUPIL_RETENTION_DAYS` | no |
| `first_name` | name | public task | office | `PUPIL_RETENTION_DAYS` | yes |
| `favourite_colour` | gone | public task | office | `PUPIL_RETENTION_DAYS` | no |
"""


@isolate_apps("classes")
def test_R28_a_new_field_without_an_entry_is_reported_by_name() -> None:
    class Pupil(models.Model):
        first_name = models.CharField(max_length=60)
        shoe_size = models.PositiveSmallIntegerField()

        class Meta:
            app_label = "classes"

        def __str__(self) -> str:
            return self.first_name

    assert problems([Pupil], parse(SAMPLE)) == [
        "missing field: classes.Pupil.shoe_size",
        "no such field: classes.Pupil.favourite_colour",
    ]


@isolate_apps("classes")
def test_R28_a_model_without_a_table_in_the_inventory_is_reported() -> None:
    class Locker(models.Model):
        number = models.PositiveSmallIntegerField()

        class Meta:
            app_label = "classes"

        def __str__(self) -> str:
            return f"locker {self.number}"

    assert problems([Locker], parse(SAMPLE)) == [
        "missing model: classes.Locker",
        "no such model: classes.Pupil",
    ]


def test_R28_rows_with_an_unknown_basis_or_no_export_answer_are_reported() -> None:
    text = SAMPLE.replace("| `first_name` | name | public task", "| `first_name` | name | vibes")
    text = text.replace("`PUPIL_RETENTION_DAYS` | yes |", "`PUPIL_RETENTION_DAYS` | maybe |")
    found = problems([apps.get_model("classes", "Pupil")], parse(text))
    assert "classes.Pupil.first_name: unknown lawful basis 'vibes'" in found
    assert "classes.Pupil.first_name: export must say yes or no, not 'maybe'" in found


def test_R28_a_model_listed_twice_is_reported() -> None:
    text = SAMPLE + SAMPLE.replace("## Example", "## Again")
    assert "listed twice: classes.Pupil" in problems([], parse(text))
