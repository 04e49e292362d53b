"""R6: the one place that decides how a pupil is shown.

A pupil is shown by first name; where two pupils of the same class share a first name, by first
name and surname initial ("Amir K."); where even that is shared, by the shortest start of the
surname that tells them apart ("Amir Kh.", "Amir Ko."). Every page, post, notification and
export goes through :func:`display_names`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from .models import Pupil


class NameRow(NamedTuple):
    pupil_id: int
    class_id: int | None
    first_name: str
    surname: str


def _key(text: str) -> str:
    return text.strip().casefold()


def _shortest_distinct_prefix(surname: str, others: Sequence[str]) -> str:
    """The shortest start of ``surname`` that no other surname in ``others`` starts with."""
    for length in range(1, len(surname) + 1):
        prefix = _key(surname[:length])
        if not any(_key(other).startswith(prefix) for other in others):
            return surname[:length]
    return surname


def _label(row: NameRow, namesakes: Sequence[NameRow]) -> str:
    first = row.first_name.strip()
    others = [o.surname for o in namesakes if o.pupil_id != row.pupil_id]
    if not others:
        return first
    surname = row.surname.strip()
    prefix = _shortest_distinct_prefix(surname, others)
    # When the whole surname is needed (same surname, or one surname starts another), it is
    # the most that may be shown; otherwise the abbreviation ends with a full stop.
    return f"{first} {surname}" if prefix == surname else f"{first} {prefix}."


def compute_display_names(rows: Iterable[NameRow]) -> dict[int, str]:
    """Pure function: display names for pupils given every pupil of their classes."""
    groups: dict[tuple[int | None, str], list[NameRow]] = defaultdict(list)
    for row in rows:
        groups[(row.class_id, _key(row.first_name))].append(row)
    names: dict[int, str] = {}
    for namesakes in groups.values():
        for row in namesakes:
            names[row.pupil_id] = _label(row, namesakes)
    return names


def display_names(pupils: Iterable[Pupil]) -> dict[int, str]:
    """Display names for ``pupils``, keyed by pupil id, in one query whatever their number."""
    pupils = list(pupils)
    if not pupils:
        return {}
    class_ids = {p.school_class_id for p in pupils if p.school_class_id}
    rows = [
        NameRow(p.pk, p.school_class_id, p.first_name, p.surname)
        for p in pupils
        if not p.school_class_id
    ]
    classmates = Pupil.objects.current().filter(school_class_id__in=class_ids)
    rows += [
        NameRow(*values)
        for values in classmates.values_list("pk", "school_class_id", "first_name", "surname")
    ]
    # A pupil who has left is named among the class they were in, without counting twice.
    seen = {row.pupil_id for row in rows}
    rows += [
        NameRow(p.pk, p.school_class_id, p.first_name, p.surname)
        for p in pupils
        if p.pk not in seen
    ]
    names = compute_display_names(rows)
    return {p.pk: names[p.pk] for p in pupils}


@dataclass(frozen=True)
class NamedPupil:
    """A pupil and the name every page shows them by."""

    pupil: Pupil
    display_name: str


def named_pupils(pupils: Iterable[Pupil]) -> list[NamedPupil]:
    """The pupils in the order given, each with their display name (one query)."""
    pupils = list(pupils)
    names = display_names(pupils)
    return [NamedPupil(pupil, names[pupil.pk]) for pupil in pupils]
