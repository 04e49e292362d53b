"""The pupil import's file of rows with problems (R3) is for the office to correct and import
again, whatever language the office reads the portal in: its header row is the English column
names the import reads and its cells are the values as typed; only the problems, in words, are
in the reader's language."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from accounts.models import User
from classes.models import SchoolClass
from consent.imports import parse, validate
from consent.imports.export import problem_rows_csv
from consent.imports.validate import NEW, pupil_import_plan
from tests.factories import OfficeFactory, SchoolClassFactory
from tests.requirements import require_or_skip

pytestmark = pytest.mark.django_db

HEADER = ("Forename", "Surname", "DOB", "Reg group", "Parent email(s)", "Photo consent")
BAD_EMAIL_ROW = ("Maya", "Rowntree", "17/05/2018", "Oak", "robin-at-example.org", "Yes")
ENGLISH_COLUMNS = [
    "Row",
    "First name",
    "Surname",
    "Date of birth",
    "Class",
    "Parent emails",
    "Media consent",
    "Problems",
]


@pytest.fixture
def office() -> User:
    return OfficeFactory()


@pytest.fixture
def oak() -> SchoolClass:
    return SchoolClassFactory(name="Oak", academic_year=2026)


def csv_text(rows: Iterable[Sequence[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def exported_rows(office: User, data: bytes, language: str) -> list[list[str]]:
    """The problem rows' file as an office reading the portal in ``language`` downloads it."""
    with translation.override(language):
        plan = pupil_import_plan(acting_user=office, data=data, file_name="pupils.csv")
        text = problem_rows_csv(plan)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def require_catalogue(language: str) -> None:
    compiled = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.mo"
    require_or_skip(compiled.is_file(), "needs the compiled catalogues (make catalogues)")


@pytest.mark.parametrize("language", ["pl", "ar"])
def test_R32_the_problem_rows_file_keeps_the_imports_english_columns_and_the_values_as_typed(
    office: User, oak: SchoolClass, language: str
) -> None:
    require_catalogue(language)
    exported = exported_rows(office, csv_text([HEADER, BAD_EMAIL_ROW]), language)

    assert exported[0] == ENGLISH_COLUMNS
    assert exported[1][:7] == ["2", *BAD_EMAIL_ROW]
    # The problem is explained in the office's language: a reader's words, not read back.
    with translation.override(language):
        explained = str(validate.BAD_EMAIL % {"value": "robin-at-example.org"})
    english = str(validate.BAD_EMAIL % {"value": "robin-at-example.org"})
    assert explained != english
    assert exported[1][7].startswith(explained)
    assert len(exported) == 2


def test_R32_the_corrected_problem_rows_file_imports_again(office: User, oak: SchoolClass) -> None:
    """Downloaded in Polish, corrected in a spreadsheet, uploaded again: the import finds every
    column it needs (the Row and Problems columns aside) and the row is ready to import."""
    require_catalogue("pl")
    exported = exported_rows(office, csv_text([HEADER, BAD_EMAIL_ROW]), "pl")
    exported[1][ENGLISH_COLUMNS.index("Parent emails")] = "robin@example.org"
    corrected = "\ufeff".encode() + csv_text(exported)

    with translation.override("pl"):
        again = pupil_import_plan(acting_user=office, data=corrected, file_name="fixed.csv")

    [row] = again.rows
    assert (row.status, row.problems) == (NEW, [])
    assert row.cells[parse.FIRST_NAME] == "Maya"
    assert row.cells[parse.PARENT_EMAILS] == "robin@example.org"
    assert row.cells[parse.MEDIA_CONSENT] == "Yes"
    assert row.school_class == oak
