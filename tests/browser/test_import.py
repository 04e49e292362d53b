"""A new office user imports pupils from a CSV in a real browser: signs in with a password and
a TOTP code, uploads the file, reads the preview's problem, applies the good rows, sees the
result. Every page of the import passes axe-core and fits 320 px, and nothing leaves the
school's server (R10)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from playwright.sync_api import Page, expect

from classes.models import Pupil, School
from consent.models import PupilImport
from tests.browser.conftest import RequestLog, check_page, sign_in
from tests.consent.test_import_parse import csv_bytes
from tests.factories import PASSWORD, OfficeFactory, SchoolClassFactory, with_totp

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

FILE = csv_bytes(
    [
        ("Maya", "Rowntree", "17/05/2018", "Oak", "robin@example.org", "Yes"),
        ("Leo", "Fairbairn", "03/11/2017", "Elm", "", "No"),
        ("Ava", "Hartley", "31/02/2019", "Oak", "", ""),
    ]
)


def totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_R1_office_imports_pupils_from_a_csv_with_a_preview(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    SchoolClassFactory.create(name="Oak", academic_year=2026)
    SchoolClassFactory.create(name="Elm", academic_year=2026)
    office = OfficeFactory.create()
    secret = with_totp(office)
    assert office.email

    sign_in(page, live_server, office.email, PASSWORD)
    page.locator("input[name=code]").fill(totp_now(secret))
    page.get_by_role("button", name="Sign In").click()
    # Signed in once the two-factor page is left: going elsewhere sooner would cancel it.
    page.wait_for_url(lambda url: "/accounts/2fa/" not in url)

    page.goto(f"{live_server.url}/admin/consent/pupilimport/")
    page.get_by_role("link", name="Import pupils from a CSV file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import pupils from a CSV file")
    check_page(page, request_log)

    page.get_by_label("CSV file").set_input_files(
        {"name": "autumn.csv", "mimeType": "text/csv", "buffer": FILE}
    )
    page.get_by_role("button", name="Preview the import").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the import before anything is written"
    )
    problems = page.get_by_role("table", name="Rows with problems, by row of the file")
    expect(problems.get_by_role("row")).to_have_count(2)
    expect(problems).to_contain_text("Ava Hartley")
    expect(problems).to_contain_text("31/02/2019 is not a real date.")
    check_page(page, request_log)
    assert Pupil.objects.count() == 0, "the preview writes nothing"

    page.get_by_role("button", name="Apply 2 good rows").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Pupils imported")
    counts = page.get_by_role("table", name="What the import did")
    expect(counts.get_by_role("row", name="Pupils added")).to_contain_text("2")
    expect(counts.get_by_role("row", name="Invites emailed to parents")).to_contain_text("1")
    check_page(page, request_log)
    assert sorted(Pupil.objects.values_list("first_name", flat=True)) == ["Leo", "Maya"]
    assert PupilImport.objects.get().file_name == "autumn.csv"
    assert [message.to for message in mail.outbox] == [["robin@example.org"]]


def test_wrong_columns_are_explained_on_an_accessible_page(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    office = OfficeFactory.create()
    secret = with_totp(office)
    assert office.email
    sign_in(page, live_server, office.email, PASSWORD)
    page.locator("input[name=code]").fill(totp_now(secret))
    page.get_by_role("button", name="Sign In").click()
    # Signed in once the two-factor page is left: going elsewhere sooner would cancel it.
    page.wait_for_url(lambda url: "/accounts/2fa/" not in url)

    page.goto(f"{live_server.url}/admin/consent/pupilimport/upload/")
    page.get_by_label("CSV file").set_input_files(
        {"name": "wrong.csv", "mimeType": "text/csv", "buffer": b"Name,Group\r\nMaya,Oak\r\n"}
    )
    page.get_by_role("button", name="Preview the import").click()

    field = page.get_by_label("CSV file")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_file_error")).to_contain_text("Missing: first name, surname")
    check_page(page, request_log)
