"""What an import would do: each checked row of the file, and the plan that holds them.

Built by :func:`consent.imports.validate.pupil_import_plan`, applied by
:func:`consent.imports.apply.pupil_import_apply`; never stored (the file is, and is checked
again at every step).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from classes.models import SchoolClass

from .parse import CLASS, FIRST_NAME, SURNAME

NEW = "new"
HERE = "here"
PROBLEM = "problem"

PupilKey = tuple[str, str, dt.date]


def pupil_key(first_name: str, surname: str, date_of_birth: dt.date) -> PupilKey:
    """Two rows are one pupil when this matches (case and spacing do not count)."""
    return (fold(first_name), fold(surname), date_of_birth)


def fold(text: str) -> str:
    """``text`` compared as people read it: case and runs of spaces do not count."""
    return " ".join(text.split()).casefold()


@dataclass
class PlanRow:
    """One row of the file as checked: its cells as typed, what they mean, and its problems."""

    number: int
    cells: dict[str, str]
    first_name: str
    surname: str
    date_of_birth: dt.date | None
    school_class: SchoolClass | None
    emails: list[str]
    consent: str | None
    problems: list[str] = field(default_factory=list)
    # The portal's language for the family's home language, "" when not known (R33).
    home_language: str = ""
    existing_pupil_id: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.problems:
            return PROBLEM
        return HERE if self.existing_pupil_id is not None else NEW

    @property
    def full_name(self) -> str:
        """As typed in the file: for the office's preview only, never a portal page (R6)."""
        parts = (self.cells.get(FIRST_NAME, ""), self.cells.get(SURNAME, ""))
        return " ".join(part for part in parts if part)

    @property
    def key(self) -> PupilKey | None:
        if not (self.first_name and self.surname and self.date_of_birth):
            return None
        return pupil_key(self.first_name, self.surname, self.date_of_birth)


@dataclass(frozen=True)
class ClassSummary:
    school_class: SchoolClass
    new: int
    here: int


@dataclass(frozen=True)
class ImportPlan:
    """What applying the file would do; built by :func:`pupil_import_plan`, never stored."""

    file_name: str
    file_sha256: str
    rows: tuple[PlanRow, ...]
    classes: tuple[SchoolClass, ...]

    @property
    def new_rows(self) -> list[PlanRow]:
        return [row for row in self.rows if row.status == NEW]

    @property
    def here_rows(self) -> list[PlanRow]:
        return [row for row in self.rows if row.status == HERE]

    @property
    def problem_rows(self) -> list[PlanRow]:
        return [row for row in self.rows if row.status == PROBLEM]

    @property
    def noted_rows(self) -> list[PlanRow]:
        return [row for row in self.here_rows if row.notes]

    @property
    def has_unknown_class(self) -> bool:
        """True when some row names a class that is not one of this year's."""
        return any(row.cells.get(CLASS) and row.school_class is None for row in self.rows)

    def by_class(self) -> list[ClassSummary]:
        """New and already-here pupils per class, in the school's order of classes."""
        counts: dict[int, dict[str, int]] = defaultdict(lambda: {NEW: 0, HERE: 0})
        for row in self.rows:
            if row.status != PROBLEM and row.school_class is not None:
                counts[row.school_class.pk][row.status] += 1
        return [
            ClassSummary(school_class=c, new=counts[c.pk][NEW], here=counts[c.pk][HERE])
            for c in self.classes
            if c.pk in counts
        ]
