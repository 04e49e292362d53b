"""The home language of the school's records (R32, R33): the "First Language" or "Home
Language" column of a SIMS, Arbor or Bromcom export, by name or DfE code, is kept on each new
pupil as one of the portal's languages, so the invite letters can be printed in it. A language
the portal does not offer, or a blank, is no home language and never a problem with the row."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from classes.models import Pupil, SchoolClass
from consent.imports.apply import pupil_import_apply
from consent.imports.parse import parse_home_language
from consent.imports.validate import pupil_import_plan
from tests.consent.test_import_parse import csv_bytes
from tests.factories import OfficeFactory, SchoolClassFactory

HEADER = ("Legal Forename", "Legal Surname", "DOB", "Reg Group", "First Language")


@pytest.mark.parametrize(
    ("cell", "language"),
    [
        ("Polish", "pl"),
        ("POL", "pl"),
        ("Romanian", "ro"),
        ("RMN", "ro"),
        ("ROM", "ro"),
        ("Urdu", "ur"),
        ("URD", "ur"),
        ("Panjabi", "pa"),
        ("Punjabi", "pa"),
        ("Panjabi (Gurmukhi)", "pa"),
        ("PNJ", "pa"),
        ("pnjg", "pa"),
        ("Arabic", "ar"),
        ("ARA", "ar"),
        ("Arabic (Any Other)", "ar"),
        ("Spanish", "es"),
        ("SPA", "es"),
        ("English", "en-gb"),
        ("ENG", "en-gb"),
        ("English (Believed to be)", "en-gb"),
        ("  polish  ", "pl"),
    ],
)
def test_R33_a_home_language_is_read_by_name_or_by_dfe_code(cell: str, language: str) -> None:
    assert parse_home_language(cell) == language


@pytest.mark.parametrize(
    "cell",
    ["", "Somali", "SOM", "Not obtained", "Refused", "NOT", "=cmd|' /C calc'!A0", "x" * 500],
)
def test_a_language_the_portal_lacks_is_no_home_language(cell: str) -> None:
    assert parse_home_language(cell) == ""


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["First Language", "Home Language", "HOME_LANGUAGE"])
def test_R33_new_pupils_keep_their_home_language_and_unknown_ones_stay_blank(
    school: Any, column: str, django_capture_on_commit_callbacks: Any
) -> None:
    office: User = OfficeFactory()
    oak: SchoolClass = SchoolClassFactory(name="Oak", academic_year=2026)
    data = csv_bytes(
        [
            ("Maya", "Rowntree", "17/05/2018", "Oak", "Polish"),
            ("Leo", "Fairbairn", "03/11/2017", "Oak", "URD"),
            ("Ava", "Hartley", "30/01/2017", "Oak", "Somali"),
            ("Sam", "Okafor", "02/02/2017", "Oak", ""),
        ],
        header=(*HEADER[:4], column),
    )

    plan = pupil_import_plan(acting_user=office, data=data, file_name="intake.csv")
    assert plan.problem_rows == []
    with django_capture_on_commit_callbacks(execute=True):
        pupil_import_apply(acting_user=office, plan=plan)

    languages = dict(
        Pupil.objects.filter(school_class=oak).values_list("first_name", "home_language")
    )
    assert languages == {"Maya": "pl", "Leo": "ur", "Ava": "", "Sam": ""}


@pytest.mark.django_db
def test_a_file_without_a_language_column_imports_as_before(school: Any) -> None:
    office: User = OfficeFactory()
    SchoolClassFactory(name="Oak", academic_year=2026)
    data = csv_bytes([("Maya", "Rowntree", "17/05/2018", "Oak")], header=HEADER[:4])

    plan = pupil_import_plan(acting_user=office, data=data, file_name="intake.csv")
    pupil_import_apply(acting_user=office, plan=plan)

    assert Pupil.objects.get().home_language == ""
