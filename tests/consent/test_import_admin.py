"""The office's import pages in the admin: upload → preview (nothing written) → apply → result.

The uploaded file waits outside MEDIA_ROOT under a random name, is known only to the session
that uploaded it, is checked against its SHA-256 at every step, and is deleted once applied.
Only office staff and leaders with two-factor authentication reach these pages (R1).
"""

from __future__ import annotations

import csv
import io
import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from classes.models import Pupil, SchoolClass
from consent.admin.imports import APPLIED, PREVIEW_GONE
from consent.imports import parse, validate
from consent.imports.apply import NOTHING_TO_ADD
from consent.imports.storage import KEEP_FOR
from consent.models import PupilImport
from tests.conftest import client_for
from tests.consent.test_import_parse import LEO, MAYA, counts, csv_bytes, many_rows
from tests.factories import (
    LeaderFactory,
    OfficeFactory,
    ParentFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    with_totp,
)

pytestmark = pytest.mark.django_db

UPLOAD_URL = reverse("admin:consent_pupilimport_upload")
IMPORTS_URL = reverse("admin:consent_pupilimport_changelist")
FORMULA = '=HYPERLINK("http://x","y")'
GOOD_AND_BAD = csv_bytes([MAYA, LEO, ("Ava", "Hartley", "31/02/2019", "Oak", FORMULA, "")])


@pytest.fixture
def office(school: Any) -> User:
    office = OfficeFactory()
    with_totp(office)
    return office


@pytest.fixture
def office_client(office: User) -> Client:
    return client_for(office)


@pytest.fixture
def classes(school: Any) -> list[SchoolClass]:
    return [
        SchoolClassFactory(name="Oak", academic_year=2026),
        SchoolClassFactory(name="Elm", academic_year=2026),
    ]


def upload(client: Client, data: bytes, name: str = "pupils.csv") -> Any:
    return client.post(UPLOAD_URL, {"file": SimpleUploadedFile(name, data, "text/csv")})


def token_of(response: Any) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    prefix = reverse("admin:consent_pupilimport_preview", args=["TOKEN"]).split("TOKEN")[0]
    assert response["Location"].startswith(prefix)
    return response["Location"][len(prefix) :].strip("/")


def preview_url(token: str) -> str:
    return reverse("admin:consent_pupilimport_preview", args=[token])


def apply_url(token: str) -> str:
    return reverse("admin:consent_pupilimport_apply", args=[token])


def stored(token: str) -> Path:
    return Path(settings.VAR_DIR) / "imports" / f"{token}.csv"


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# Upload and preview -------------------------------------------------------------------------


def test_the_list_of_imports_offers_the_import_and_nothing_to_edit(
    office_client: Client, office: User
) -> None:
    PupilImport.objects.create(uploaded_by=office, file_name="summer.csv", file_sha256="0" * 64)

    response = office_client.get(IMPORTS_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "summer.csv" in html
    assert f'href="{UPLOAD_URL}"' in html
    assert "Import pupils from a CSV file" in html
    assert reverse("admin:consent_pupilimport_add") not in html
    record = PupilImport.objects.get()
    delete = reverse("admin:consent_pupilimport_delete", args=[record.pk])
    assert office_client.post(delete, {"post": "yes"}).status_code == 403
    assert PupilImport.objects.count() == 1


def test_the_upload_page_says_which_columns_are_needed(office_client: Client) -> None:
    response = office_client.get(UPLOAD_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<label class="required" for="id_file">CSV file</label>' in html
    assert 'aria-describedby="id_file_helptext"' in html
    assert "first name (or Forename, Legal forename)" in html


def test_a_preview_shows_counts_and_every_problem_row_and_writes_nothing(
    office_client: Client, classes: list[SchoolClass]
) -> None:
    before = counts()

    token = token_of(upload(office_client, GOOD_AND_BAD))
    response = office_client.get(preview_url(token))

    html = response.content.decode()
    assert response.status_code == 200
    assert counts() == before
    plan = response.context["plan"]
    assert (len(plan.rows), len(plan.new_rows), len(plan.problem_rows)) == (3, 2, 1)
    assert "<td>4</td><td>Ava Hartley</td>" in html
    assert str(validate.IMPOSSIBLE_DATE % {"value": "31/02/2019"}) in html
    assert "&quot;http://x&quot;" in html, "the formula is shown as escaped text"
    assert "Apply 2 good rows" in html
    assert f'action="{apply_url(token)}"' in html


def test_wrong_columns_are_told_on_the_upload_page_and_nothing_is_kept(
    office_client: Client, classes: list[SchoolClass]
) -> None:
    before = counts()
    kept = set((Path(settings.VAR_DIR) / "imports").glob("*.csv"))

    response = upload(office_client, csv_bytes([("Maya",)], ("Name",)))

    assert response.status_code == 200
    expected = parse.WRONG_COLUMNS % {
        "missing": "first name, surname, date of birth, class",
        "found": "Name",
    }
    assert response.context["form"].errors["file"] == [expected]
    html = response.content.decode()
    assert 'id="id_file_error"' in html
    assert 'aria-describedby="id_file_helptext id_file_error"' in html
    assert set((Path(settings.VAR_DIR) / "imports").glob("*.csv")) == kept
    assert counts() == before


def test_a_windows_1252_file_is_previewed_with_its_accents(
    office_client: Client, classes: list[SchoolClass]
) -> None:
    data = csv_bytes([("Seán", "Ó Briain", "17/05/2018", "Oak", "", "")], encoding="cp1252")

    response = office_client.get(preview_url(token_of(upload(office_client, data))))

    assert "Seán Ó Briain" not in response.content.decode(), "a new pupil has no problem row"
    [row] = response.context["plan"].new_rows
    assert (row.first_name, row.surname) == ("Seán", "Ó Briain")


def test_10000_rows_are_previewed_and_10001_are_refused(
    office_client: Client, classes: list[SchoolClass]
) -> None:
    before = counts()
    started = time.perf_counter()
    token = token_of(upload(office_client, csv_bytes(many_rows(10_000))))
    response = office_client.get(preview_url(token))
    elapsed = time.perf_counter() - started

    assert response.status_code == 200
    assert len(response.context["plan"].new_rows) == 10_000
    assert "Apply 10000 good rows" in response.content.decode()
    assert elapsed < 20, f"upload and preview of 10,000 rows took {elapsed:.1f} s"

    refused = upload(office_client, csv_bytes(many_rows(10_001)))
    assert refused.status_code == 200
    assert refused.context["form"].errors["file"] == [parse.TOO_MANY_ROWS % {"most": 10_000}]
    assert counts() == before


def test_a_file_over_5_mb_is_refused_before_it_is_read(
    office_client: Client, classes: list[SchoolClass]
) -> None:
    response = upload(office_client, csv_bytes([MAYA]) + b" " * parse.MAX_BYTES)

    assert response.context["form"].errors["file"] == [parse.FILE_TOO_LARGE % {"megabytes": 5}]


def test_the_problem_rows_download_neutralises_formulas(
    office_client: Client, classes: list[SchoolClass]
) -> None:
    token = token_of(upload(office_client, GOOD_AND_BAD))

    response = office_client.get(reverse("admin:consent_pupilimport_problems", args=[token]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2
    assert rows[1][:6] == ["4", "Ava", "Hartley", "31/02/2019", "Oak", "'" + FORMULA]


def test_preview_takes_the_same_queries_for_a_small_and_a_large_file(
    office_client: Client, classes: list[SchoolClass], django_assert_num_queries: Any
) -> None:
    small = token_of(upload(office_client, csv_bytes(many_rows(3))))
    large = token_of(upload(office_client, csv_bytes([*many_rows(300), ("=1", "X", "", "")])))
    office_client.get(preview_url(small))  # warm the session and permission caches
    with CaptureQueriesContext(connection) as few:
        office_client.get(preview_url(small))
    with django_assert_num_queries(len(few)):
        response = office_client.get(preview_url(large))
    assert len(response.context["plan"].rows) == 301


# Apply and result ---------------------------------------------------------------------------


def test_apply_adds_the_good_rows_shows_the_result_and_forgets_the_file(
    office_client: Client, classes: list[SchoolClass], django_capture_on_commit_callbacks: Any
) -> None:
    token = token_of(upload(office_client, GOOD_AND_BAD))

    with django_capture_on_commit_callbacks(execute=True):
        response = office_client.post(apply_url(token))

    record = PupilImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:consent_pupilimport_result", args=[record.pk])
    assert sorted(Pupil.objects.values_list("first_name", flat=True)) == ["Leo", "Maya"]
    assert [m.to for m in mail.outbox] == [["robin@example.org"]]
    assert not stored(token).exists()
    result = office_client.get(response["Location"])
    html = result.content.decode()
    assert messages_of(result) == [str(APPLIED)]
    assert '<th scope="row">Pupils added</th><td>2</td>' in html
    assert '<th scope="row">Invites emailed to parents</th><td>1</td>' in html
    assert '<th scope="row">Rows with problems (not imported)</th><td>1</td>' in html


def test_applying_twice_adds_nothing_the_second_time(
    office_client: Client, classes: list[SchoolClass], django_capture_on_commit_callbacks: Any
) -> None:
    token = token_of(upload(office_client, GOOD_AND_BAD))
    office_client.post(apply_url(token), follow=True)
    before = counts()

    with django_capture_on_commit_callbacks(execute=True):
        again = office_client.post(apply_url(token), follow=True)

    assert again.redirect_chain[0] == (UPLOAD_URL, 302)
    assert messages_of(again) == [str(PREVIEW_GONE)]
    assert counts() == before


def test_importing_the_same_file_again_offers_nothing_to_apply(
    office_client: Client, classes: list[SchoolClass], django_capture_on_commit_callbacks: Any
) -> None:
    office_client.post(apply_url(token_of(upload(office_client, GOOD_AND_BAD))))
    before, emails = counts(), len(mail.outbox)

    token = token_of(upload(office_client, GOOD_AND_BAD))
    response = office_client.get(preview_url(token))
    with django_capture_on_commit_callbacks(execute=True):
        applied = office_client.post(apply_url(token), follow=True)

    html = response.content.decode()
    assert "Nothing to add: every pupil in the file is already here" in html
    assert "good row" not in html
    assert '<th scope="row">Already here (nothing changes)</th><td>2</td>' in html
    assert messages_of(applied)[0].startswith("Nothing to add")
    assert counts() == before
    assert len(mail.outbox) == emails


def test_apply_checks_the_file_again_so_a_pupil_added_meanwhile_is_not_added_twice(
    office_client: Client, classes: list[SchoolClass]
) -> None:
    token = token_of(upload(office_client, csv_bytes([MAYA])))
    office_client.get(preview_url(token))
    PupilFactory(first_name="Maya", surname="Rowntree", school_class=classes[0])
    before = counts()

    response = office_client.post(apply_url(token), follow=True)

    assert messages_of(response) == [str(NOTHING_TO_ADD)]
    assert len(response.context["plan"].here_rows) == 1
    assert counts() == before


def test_another_sessions_preview_is_not_reachable(
    office_client: Client, classes: list[SchoolClass]
) -> None:
    token = token_of(upload(office_client, GOOD_AND_BAD))
    other = OfficeFactory()
    with_totp(other)
    before = counts()

    response = client_for(other).post(apply_url(token), follow=True)

    assert messages_of(response) == [str(PREVIEW_GONE)]
    assert counts() == before
    assert stored(token).exists(), "the uploader can still apply it"


def test_a_file_changed_on_disk_is_not_applied(
    office_client: Client, classes: list[SchoolClass]
) -> None:
    token = token_of(upload(office_client, GOOD_AND_BAD))
    stored(token).write_bytes(csv_bytes([MAYA, LEO, ("Mallory", "Evans", "01/01/2018", "Oak")]))
    before = counts()

    response = office_client.post(apply_url(token), follow=True)

    assert messages_of(response) == [str(PREVIEW_GONE)]
    assert counts() == before


def test_a_file_kept_over_a_day_is_gone(office_client: Client, classes: list[SchoolClass]) -> None:
    token = token_of(upload(office_client, GOOD_AND_BAD))
    old = time.time() - KEEP_FOR.total_seconds() - 60
    os.utime(stored(token), (old, old))

    response = office_client.get(preview_url(token), follow=True)

    assert messages_of(response) == [str(PREVIEW_GONE)]
    assert not stored(token).exists()


def test_a_new_upload_sweeps_files_over_a_day_old(
    office_client: Client, classes: list[SchoolClass]
) -> None:
    token = token_of(upload(office_client, GOOD_AND_BAD))
    old = time.time() - KEEP_FOR.total_seconds() - 60
    os.utime(stored(token), (old, old))

    token_of(upload(office_client, csv_bytes([MAYA])))

    assert not stored(token).exists()


def test_uploads_are_kept_outside_media_root_under_a_random_name(
    office_client: Client, classes: list[SchoolClass]
) -> None:
    token = token_of(upload(office_client, GOOD_AND_BAD, name="../../etc/pupils.csv"))

    assert stored(token).read_bytes() == GOOD_AND_BAD
    assert not stored(token).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert stored(token).stat().st_mode & 0o077 == 0, "readable by the server's user only"
    session = office_client.session["consent_pupil_imports"][token]
    assert session["name"] == "pupils.csv"


def test_apply_is_a_post(office_client: Client, classes: list[SchoolClass]) -> None:
    token = token_of(upload(office_client, GOOD_AND_BAD))

    assert office_client.get(apply_url(token)).status_code == 405
    assert Pupil.objects.count() == 0


# Who may import (R1) ------------------------------------------------------------------------


def test_R1_a_leader_with_two_factor_may_import(classes: list[SchoolClass]) -> None:
    leader = LeaderFactory()
    with_totp(leader)
    client = client_for(leader)

    client.post(apply_url(token_of(upload(client, csv_bytes([MAYA])))))

    assert Pupil.objects.get().first_name == "Maya"


def _all_pages(token: str) -> list[tuple[str, str]]:
    return [
        ("get", UPLOAD_URL),
        ("post", UPLOAD_URL),
        ("get", preview_url(token)),
        ("post", apply_url(token)),
        ("get", reverse("admin:consent_pupilimport_problems", args=[token])),
        ("get", IMPORTS_URL),
    ]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", reverse("account_login")),
        ("parent", reverse("admin:login")),
        ("teacher_with_totp", reverse("admin:login")),
        ("office_without_totp", reverse("admin_needs_mfa")),
    ],
)
def test_R1_only_the_office_and_leaders_with_two_factor_reach_the_import(
    office_client: Client, classes: list[SchoolClass], who: str, expected: str
) -> None:
    token = token_of(upload(office_client, GOOD_AND_BAD))
    before = counts()
    users: dict[str, User | None] = {
        "anonymous": None,
        "parent": ParentFactory(),
        "teacher_with_totp": TeacherFactory(is_staff=True),
        "office_without_totp": OfficeFactory(),
    }
    user = users[who]
    if who == "teacher_with_totp" and user is not None:
        with_totp(user)
    client = client_for(user, two_factor=who != "office_without_totp") if user else Client()

    for method, url in _all_pages(token):
        data = {"file": SimpleUploadedFile("p.csv", GOOD_AND_BAD)} if method == "post" else None
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, (method, url)
        assert response["Location"].split("?")[0] == expected, (method, url)

    assert counts() == before
    assert stored(token).exists()
