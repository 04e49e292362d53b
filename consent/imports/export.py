"""CSV the portal writes, safe to open in a spreadsheet (no CSV injection).

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run as a
formula by Excel, LibreOffice or Google Sheets (``=HYPERLINK("http://…","Click")``). Every cell
the portal exports goes through :func:`safe_cell`, which puts an apostrophe in front: the
spreadsheet then shows the text as it was typed and runs nothing. Unicode's direction
controls (a right-to-left override in a name) are removed rather than wrapped in isolates: a
spreadsheet honours isolates unevenly, and the office corrects these rows and imports them
again, where isolate characters would travel into the names.

The file is made to be imported again once corrected, in whatever language the office reads
the portal: its header row is the English column names the import reads (``COLUMN_ALIASES``),
never translated, and its cells are the file's values as typed. Only the last column, the
problems in words, is in the office's language: nothing reads it back.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from core.bidi import strip_bidi_controls

from .parse import (
    CLASS,
    DATE_OF_BIRTH,
    FIRST_NAME,
    MEDIA_CONSENT,
    PARENT_EMAILS,
    SURNAME,
    looks_like_formula,
)
from .plan import ImportPlan

# Machine names, not words for a reader: the import finds its columns by these (English) names,
# so they stay as they are in every language. "Row" and "Problems" are columns the import skips.
PROBLEM_COLUMNS = (
    (None, "Row"),
    (FIRST_NAME, "First name"),
    (SURNAME, "Surname"),
    (DATE_OF_BIRTH, "Date of birth"),
    (CLASS, "Class"),
    (PARENT_EMAILS, "Parent emails"),
    (MEDIA_CONSENT, "Media consent"),
    (None, "Problems"),
)


def safe_cell(value: object) -> str:
    """``value`` as text a spreadsheet shows and never runs (``'=HYPERLINK(…)``), and that
    cannot reorder what is around it (no direction controls)."""
    text = strip_bidi_controls("" if value is None else str(value))
    return f"'{text}" if looks_like_formula(text) else text


def problem_rows_csv(plan: ImportPlan) -> str:
    """The rows with problems, cells as typed (neutralised) and the problems in words, so the
    office can correct them in the school's records."""
    rows = [
        [
            row.number,
            *[row.cells.get(field, "") for field, _label in PROBLEM_COLUMNS[1:-1]],
            " ".join(row.problems),
        ]
        for row in plan.problem_rows
    ]
    return csv_text([label for _field, label in PROBLEM_COLUMNS], rows)


def csv_text(headers: Sequence[object], rows: Sequence[Sequence[object]]) -> str:
    """UTF-8 CSV with a BOM (Excel then reads accents), every cell made safe."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in headers])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()
