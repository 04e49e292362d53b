"""Reading and checking a CSV export of pupils before anything is written (the preview).

Every bad input of the issue gets one clear, translated answer and leaves the database as it
was: wrong columns, encodings (UTF-8 with and without a BOM, Windows-1252), 10,000 rows (and
10,001), blank lines, formula cells, unknown classes, bad dates, duplicates, malformed emails
and too many parent emails (R3).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from collections.abc import Iterable, Sequence

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import InviteCode, User
from classes.models import Pupil, SchoolClass
from classes.validators import NOT_A_NAME
from consent.imports import parse, validate
from consent.imports.export import problem_rows_csv, safe_cell
from consent.imports.validate import HERE, NEW, PROBLEM, ImportPlan, pupil_import_plan
from consent.models import ConsentChange, MediaStatus, PupilConsent, PupilImport
from consent.services.media import media_consent_record
from tests.factories import (
    OfficeFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
)

pytestmark = pytest.mark.django_db

HEADER = ("Forename", "Surname", "DOB", "Reg group", "Parent email(s)", "Photo consent")
MAYA = ("Maya", "Rowntree", "17/05/2018", "Oak", "robin@example.org", "Yes")
LEO = ("Leo", "Fairbairn", "03/11/2017", "Elm", "", "No")


def csv_bytes(
    rows: Iterable[Sequence[str]],
    header: Sequence[str] = HEADER,
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> bytes:
    """A CSV file as an MIS would export it: CRLF line ends, the header first."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def many_rows(count: int, class_name: str = "Oak") -> list[tuple[str, ...]]:
    """``count`` distinct pupils (generated names, never real)."""
    start = dt.date(2016, 9, 1)
    return [
        (
            f"Pupil{'abcdefghij'[n % 10]}",
            f"Surname{''.join('abcdefghij'[int(d)] for d in str(n))}",
            (start + dt.timedelta(days=n % 1400)).strftime("%d/%m/%Y"),
            class_name,
            "",
            "",
        )
        for n in range(count)
    ]


def counts() -> dict[str, int]:
    """How many rows the import could write, to prove that nothing was."""
    models = (Pupil, PupilConsent, ConsentChange, InviteCode, PupilImport)
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def office() -> User:
    return OfficeFactory()


@pytest.fixture
def oak() -> SchoolClass:
    return SchoolClassFactory(name="Oak", academic_year=2026)


@pytest.fixture
def elm() -> SchoolClass:
    return SchoolClassFactory(name="Elm", academic_year=2026)


@pytest.fixture
def before(oak: SchoolClass, elm: SchoolClass) -> dict[str, int]:
    return counts()


def plan_of(office: User, data: bytes, name: str = "pupils.csv") -> ImportPlan:
    return pupil_import_plan(acting_user=office, data=data, file_name=name)


def refusal(office: User, data: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        plan_of(office, data)
    return caught.value


def only_problems(plan: ImportPlan) -> list[str]:
    [row] = plan.rows
    return row.problems


# Columns ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        ("Legal forename", "Legal surname", "DOB", "Reg group"),
        ("First name", "Last name", "Date of birth", "Registration group"),
        ("FORENAME", "SURNAME", "D.O.B.", "class"),
        ("first_name", "surname", "date_of_birth", "Class name", "Contact emails"),
    ],
)
def test_common_mis_column_names_are_recognised(
    office: User, before: dict[str, int], header: tuple[str, ...]
) -> None:
    data = csv_bytes(
        [("Maya", "Rowntree", "17/05/2018", "Oak", "a@example.org")[: len(header)]], header
    )

    plan = plan_of(office, data)

    [row] = plan.rows
    assert (row.status, row.first_name, row.surname) == (NEW, "Maya", "Rowntree")
    assert row.date_of_birth == dt.date(2018, 5, 17)
    assert counts() == before


def test_wrong_columns_get_one_message_naming_what_is_missing_and_found(
    office: User, before: dict[str, int]
) -> None:
    data = csv_bytes([("Maya Rowntree", "17/05/2018", "Oak")], ("Name", "Birthday", "Group"))

    error = refusal(office, data)

    assert error.messages == [
        parse.WRONG_COLUMNS
        % {
            "missing": "first name, surname, date of birth, class",
            "found": "Name, Birthday, Group",
        }
    ]
    assert counts() == before


def test_a_file_without_a_class_column_names_only_that(
    office: User, before: dict[str, int]
) -> None:
    error = refusal(office, csv_bytes([MAYA[:3]], HEADER[:3]))

    assert "Missing: class." in error.messages[0]
    assert "Found: Forename, Surname, DOB." in error.messages[0]


# Encodings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "name"),
    [
        ("utf-8-sig", "Zoë"),
        ("utf-8", "Zoë"),
        ("cp1252", "Zoë"),
        ("cp1252", "Seán"),
        ("utf-8-sig", "Łucja"),
    ],
)
def test_utf8_with_or_without_bom_and_windows_1252_are_read(
    office: User, before: dict[str, int], encoding: str, name: str
) -> None:
    data = csv_bytes([(name, "Ó Briain", "17/05/2018", "Oak", "", "")], encoding=encoding)

    [row] = plan_of(office, data).rows

    assert (row.first_name, row.surname, row.status) == (name, "Ó Briain", NEW)
    assert counts() == before


def test_a_file_in_neither_encoding_is_refused_clearly(
    office: User, before: dict[str, int]
) -> None:
    # 0x81 is not a character in Windows-1252, and 0xC3 0x28 is not UTF-8.
    data = csv_bytes([MAYA]) + b"Zo\xc3\x28,\x81,17/05/2018,Oak,,\r\n"

    assert refusal(office, data).messages == [parse.UNKNOWN_ENCODING]
    assert counts() == before


@pytest.mark.parametrize(
    "data",
    [
        csv_bytes([MAYA], encoding="utf-16"),
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00 workbook.xml",
    ],
    ids=["utf-16 text", "xlsx workbook"],
)
def test_unicode_text_or_a_spreadsheet_is_told_to_save_as_csv(
    office: User, before: dict[str, int], data: bytes
) -> None:
    assert refusal(office, data).messages == [parse.NOT_TEXT]
    assert counts() == before


def test_semicolon_separated_files_are_read(office: User, before: dict[str, int]) -> None:
    data = csv_bytes([MAYA, LEO], delimiter=";")

    plan = plan_of(office, data)

    assert [row.first_name for row in plan.new_rows] == ["Maya", "Leo"]
    assert plan.rows[0].emails == ["robin@example.org"]


# Size and shape -----------------------------------------------------------------------------


def test_blank_lines_are_skipped_and_rows_keep_their_spreadsheet_numbers(
    office: User, before: dict[str, int]
) -> None:
    data = b"\r\n" + csv_bytes([MAYA, ("", "", "", "", "", ""), LEO]).replace(
        b"\r\nLeo", b"\r\n\r\n   \r\nLeo"
    )

    plan = plan_of(office, data)

    assert [(row.number, row.first_name) for row in plan.rows] == [(3, "Maya"), (7, "Leo")]
    assert counts() == before


def test_empty_files_and_files_without_pupils_are_refused(
    office: User, before: dict[str, int]
) -> None:
    assert refusal(office, b"").messages == [parse.FILE_EMPTY]
    assert refusal(office, b"\r\n \r\n").messages == [parse.FILE_EMPTY]
    assert refusal(office, csv_bytes([])).messages == [parse.NO_ROWS]
    assert counts() == before


def test_10000_rows_are_read_and_checked_in_reasonable_time(
    office: User, before: dict[str, int]
) -> None:
    data = csv_bytes(many_rows(parse.MAX_ROWS))

    started = time.perf_counter()
    plan = plan_of(office, data)
    elapsed = time.perf_counter() - started

    assert len(plan.rows) == len(plan.new_rows) == 10_000
    assert elapsed < 15, f"checking 10,000 rows took {elapsed:.1f} s"
    assert counts() == before


def test_10001_rows_are_refused_with_the_limit(office: User, before: dict[str, int]) -> None:
    data = csv_bytes(many_rows(parse.MAX_ROWS + 1))

    assert refusal(office, data).messages == [parse.TOO_MANY_ROWS % {"most": 10_000}]
    assert counts() == before


def test_a_file_over_5_mb_is_refused(office: User, before: dict[str, int]) -> None:
    data = csv_bytes([MAYA]) + b" " * parse.MAX_BYTES

    assert refusal(office, data).messages == [parse.FILE_TOO_LARGE % {"megabytes": 5}]
    assert counts() == before


# Row problems -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17/05/2018", dt.date(2018, 5, 17)),
        ("7/5/2018", dt.date(2018, 5, 7)),
        ("2018-05-17", dt.date(2018, 5, 17)),
        ("29/02/2020", dt.date(2020, 2, 29)),
    ],
)
def test_uk_and_iso_dates_are_read_day_first(
    office: User, before: dict[str, int], text: str, expected: dt.date
) -> None:
    [row] = plan_of(office, csv_bytes([("Maya", "Rowntree", text, "Oak")], HEADER[:4])).rows

    assert (row.date_of_birth, row.status) == (expected, NEW)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/2019", validate.IMPOSSIBLE_DATE),
        ("29/02/2019", validate.IMPOSSIBLE_DATE),
        ("17/13/2018", validate.IMPOSSIBLE_DATE),
        ("17/05/18", validate.BAD_DATE),
        ("May 2018", validate.BAD_DATE),
        ("05/17/2018 00:00", validate.BAD_DATE),
        ("01/01/2099", validate.FUTURE_DATE),
    ],
)
def test_bad_dates_are_row_problems(
    office: User, before: dict[str, int], text: str, message: str
) -> None:
    plan = plan_of(office, csv_bytes([("Maya", "Rowntree", text, "Oak")], HEADER[:4]))

    assert only_problems(plan) == [message % {"value": text}]
    assert plan.new_rows == []
    assert counts() == before


def test_classes_match_this_years_names_whatever_the_case(
    office: User, oak: SchoolClass, before: dict[str, int]
) -> None:
    SchoolClassFactory(name="Ash", academic_year=2025)
    rows = [("Maya", "Rowntree", "17/05/2018", " oAK "), ("Leo", "Fairbairn", "03/11/2017", "Ash")]

    plan = plan_of(office, csv_bytes(rows, HEADER[:4]))

    assert plan.rows[0].school_class == oak
    assert plan.rows[1].problems == [validate.UNKNOWN_CLASS % {"value": "Ash", "year": "2026–27"}]
    assert plan.has_unknown_class
    assert counts() == before


@pytest.mark.parametrize(
    ("cell", "emails"),
    [
        ("robin@example.org", ["robin@example.org"]),
        ("Robin@Example.org; sam@example.org", ["robin@example.org", "sam@example.org"]),
        ("robin@example.org,sam@example.org", ["robin@example.org", "sam@example.org"]),
        ("robin@example.org; robin@example.org", ["robin@example.org"]),
        ("", []),
    ],
)
def test_up_to_two_parent_emails_are_read(
    office: User, before: dict[str, int], cell: str, emails: list[str]
) -> None:
    [row] = plan_of(
        office, csv_bytes([("Maya", "Rowntree", "17/05/2018", "Oak", cell)], HEADER[:5])
    ).rows

    assert (row.emails, row.status) == (emails, NEW)


def test_R3_three_parent_emails_are_a_problem(office: User, before: dict[str, int]) -> None:
    cell = "a@example.org; b@example.org; c@example.org"
    plan = plan_of(
        office, csv_bytes([("Maya", "Rowntree", "17/05/2018", "Oak", cell)], HEADER[:5])
    )

    assert only_problems(plan) == [validate.TOO_MANY_EMAILS % {"count": 3, "most": 2}]
    assert counts() == before


def test_malformed_emails_are_problems(office: User, before: dict[str, int]) -> None:
    cell = "robin@example; sam.example.org"
    plan = plan_of(
        office, csv_bytes([("Maya", "Rowntree", "17/05/2018", "Oak", cell)], HEADER[:5])
    )

    assert only_problems(plan) == [
        validate.BAD_EMAIL % {"value": "robin@example"},
        validate.BAD_EMAIL % {"value": "sam.example.org"},
    ]
    assert counts() == before


@pytest.mark.parametrize(
    ("cell", "status"),
    [
        ("Y", MediaStatus.GRANTED),
        ("yes", MediaStatus.GRANTED),
        ("Granted", MediaStatus.GRANTED),
        ("N", MediaStatus.REFUSED),
        ("No", MediaStatus.REFUSED),
        ("REFUSED", MediaStatus.REFUSED),
        ("Withdrawn", MediaStatus.WITHDRAWN),
        ("", None),
    ],
)
def test_media_consent_answers_are_read(
    office: User, before: dict[str, int], cell: str, status: str | None
) -> None:
    [row] = plan_of(office, csv_bytes([(*MAYA[:5], cell)])).rows

    assert (row.consent, row.status) == (status, NEW)


def test_an_unknown_consent_answer_is_a_problem(office: User, before: dict[str, int]) -> None:
    plan = plan_of(office, csv_bytes([(*MAYA[:5], "Maybe")]))

    assert only_problems(plan) == [validate.UNKNOWN_CONSENT % {"value": "Maybe"}]


def test_missing_required_values_are_named(office: User, before: dict[str, int]) -> None:
    plan = plan_of(office, csv_bytes([("", "Rowntree", "", "")], HEADER[:4]))

    assert only_problems(plan) == [
        validate.MISSING_VALUE % {"column": "first name"},
        validate.MISSING_VALUE % {"column": "date of birth"},
        validate.MISSING_VALUE % {"column": "class"},
    ]


def test_a_short_row_is_missing_its_values(office: User, before: dict[str, int]) -> None:
    plan = plan_of(office, csv_bytes([("Maya", "Rowntree")]))

    assert only_problems(plan) == [
        validate.MISSING_VALUE % {"column": "date of birth"},
        validate.MISSING_VALUE % {"column": "class"},
    ]


def test_a_pupil_twice_in_the_file_is_a_problem_on_both_rows(
    office: User, before: dict[str, int]
) -> None:
    twin = ("maya", "ROWNTREE", "2018-05-17", "Elm", "", "")

    plan = plan_of(office, csv_bytes([MAYA, LEO, twin]))

    message = validate.DUPLICATE_PUPIL % {"rows": "2, 4"}
    assert [(row.number, row.problems) for row in plan.problem_rows] == [
        (2, [message]),
        (4, [message]),
    ]
    assert [row.first_name for row in plan.new_rows] == ["Leo"]
    assert counts() == before


def test_a_pupil_already_here_changes_nothing_and_is_no_problem(
    office: User, oak: SchoolClass, elm: SchoolClass
) -> None:
    here = PupilFactory(
        first_name="Maya", surname="Rowntree", date_of_birth=dt.date(2018, 5, 17), school_class=elm
    )
    media_consent_record(acting_user=office, pupils=[here], status=MediaStatus.REFUSED)
    before = counts()

    plan = plan_of(office, csv_bytes([MAYA, LEO]))

    [row] = plan.here_rows
    assert (row.status, row.existing_pupil_id) == (HERE, here.pk)
    assert row.notes == [
        validate.NOTE_OTHER_CLASS % {"class_name": "Elm"},
        str(validate.NOTE_OTHER_CONSENT),
    ]
    assert [r.first_name for r in plan.new_rows] == ["Leo"]
    assert counts() == before


# Formula cells ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://x","y")', "+44123", "@SUM(A1)", "-1", "Maya2"]
)
def test_a_name_that_is_a_formula_or_not_a_name_is_a_problem(
    office: User, before: dict[str, int], name: str
) -> None:
    plan = plan_of(office, csv_bytes([(name, "Rowntree", "17/05/2018", "Oak")], HEADER[:4]))

    assert only_problems(plan) == [NOT_A_NAME % {"label": "first name", "value": name}]
    assert counts() == before


@pytest.mark.parametrize(
    "name", ["Anne-Marie", "O’Neill", "D'Arcy", "Zoë", "Nguyễn", "St. John", "محمد"]
)
def test_real_names_with_accents_and_punctuation_are_names(
    office: User, before: dict[str, int], name: str
) -> None:
    [row] = plan_of(office, csv_bytes([(name, "Rowntree", "17/05/2018", "Oak")], HEADER[:4])).rows

    assert (row.first_name, row.status) == (name, NEW)


@pytest.mark.parametrize(
    ("value", "exported"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+1", "'+1+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Maya", "Maya"),
        ("Anne-Marie", "Anne-Marie"),
        ("", ""),
        (7, "7"),
    ],
)
def test_exported_cells_never_start_a_formula(value: object, exported: str) -> None:
    assert safe_cell(value) == exported


def test_formula_cells_stay_text_in_the_preview_and_are_neutralised_in_the_export(
    office: User, before: dict[str, int]
) -> None:
    formula = '=HYPERLINK("http://x","y")'
    rows = [("Maya", "Rowntree", "17/05/2018", "Oak", formula, "@cmd"), LEO]

    plan = plan_of(office, csv_bytes(rows))

    [row] = plan.problem_rows
    assert row.cells[parse.PARENT_EMAILS] == formula  # kept exactly as typed
    exported = list(csv.reader(io.StringIO(problem_rows_csv(plan).lstrip("\ufeff"))))
    assert exported[0] == [
        "Row",
        "First name",
        "Surname",
        "Date of birth",
        "Class",
        "Parent emails",
        "Media consent",
        "Problems",
    ]
    assert exported[1][:7] == [
        "2",
        "Maya",
        "Rowntree",
        "17/05/2018",
        "Oak",
        "'" + formula,
        "'@cmd",
    ]
    assert exported[1][7].startswith(validate.BAD_EMAIL % {"value": formula})
    assert len(exported) == 2, "only the rows with problems are exported"
    assert all(not cell.startswith(parse.FORMULA_STARTS) for line in exported for cell in line)
    assert counts() == before


# Reads and permissions ----------------------------------------------------------------------


@pytest.mark.parametrize("size", [5, 60])
def test_checking_a_file_takes_two_queries_whatever_its_size(
    office: User, oak: SchoolClass, django_assert_num_queries, size: int
) -> None:
    for row in many_rows(size)[::2]:
        PupilFactory(
            first_name=row[0],
            surname=row[1],
            school_class=oak,
            date_of_birth=dt.datetime.strptime(row[2], "%d/%m/%Y").date(),
        )
    data = csv_bytes(many_rows(size))

    with django_assert_num_queries(2):
        plan = plan_of(office, data)

    assert len(plan.here_rows) == (size + 1) // 2
    assert len(plan.new_rows) == size // 2


def test_only_the_office_and_leaders_may_check_an_import(before: dict[str, int]) -> None:
    with pytest.raises(PermissionDenied):
        plan_of(TeacherFactory(), csv_bytes([MAYA]))
    assert counts() == before


def test_problem_rows_keep_file_order_and_status(office: User, before: dict[str, int]) -> None:
    rows = [MAYA, ("Ava", "Hartley", "31/02/2019", "Oak", "", ""), LEO]

    plan = plan_of(office, csv_bytes(rows))

    assert [row.status for row in plan.rows] == [NEW, PROBLEM, NEW]
    assert [(s.school_class.name, s.new, s.here) for s in plan.by_class()] == [
        ("Elm", 1, 0),
        ("Oak", 1, 0),
    ]
