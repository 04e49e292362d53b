"""allauth's account pages, shown in the portal's layout, pass axe-core and fit 320 px too."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from classes.models import School
from tests.browser.conftest import RequestLog, check_page, sign_in
from tests.factories import PASSWORD, OfficeFactory, ParentFactory, TeacherFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/accounts/password/reset/", "Password Reset"),
        ("/accounts/signup/", "Joining the portal"),
    ],
)
def test_public_account_pages_are_accessible(
    page: Page, live_server: Any, request_log: RequestLog, school: School, path: str, heading: str
) -> None:
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading, ignore_case=True)
    check_page(page, request_log)


@pytest.mark.parametrize(
    ("factory", "path", "heading"),
    [
        (ParentFactory, "/accounts/password/change/", "Change Password"),
        (ParentFactory, "/accounts/email/", "Email Addresses"),
        (TeacherFactory, "/accounts/2fa/", "Two-Factor Authentication"),
        (OfficeFactory, "/office/two-factor/", "Two-factor authentication needed"),
    ],
)
def test_signed_in_account_pages_are_accessible(
    page: Page,
    live_server: Any,
    request_log: RequestLog,
    school: School,
    factory: Any,
    path: str,
    heading: str,
) -> None:
    user = factory.create()
    sign_in(page, live_server, user.email, PASSWORD)
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading, ignore_case=True)
    check_page(page, request_log)


def test_office_sets_up_two_factor_on_accessible_pages(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    """Straight after signing in, the office member is not asked for the password again."""
    office = OfficeFactory.create()
    sign_in(page, live_server, office.email, PASSWORD)
    page.goto(f"{live_server.url}/accounts/2fa/totp/activate/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Activate Authenticator App")
    expect(page.get_by_role("img").first).to_be_visible()  # the QR code, made by the server
    expect(page.locator("main form.form button.button")).to_have_text("Activate")
    check_page(page, request_log)


def test_re_authentication_is_in_the_portals_layout_and_accessible(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    office = OfficeFactory.create()
    sign_in(page, live_server, office.email, PASSWORD)
    page.goto(f"{live_server.url}/accounts/reauthenticate/?next=/accounts/2fa/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Confirm Access")
    expect(page.locator("header.site-header")).to_be_visible()
    expect(page.locator("main form.form .field input[type=password]")).to_be_visible()
    check_page(page, request_log)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Two-Factor Authentication")
    expect(page.locator("main section.card").first).to_be_visible()
    check_page(page, request_log)


def test_password_reset_is_in_the_portals_layout(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    page.goto(f"{live_server.url}/accounts/password/reset/")
    expect(page.locator("main form.form .field input[type=email]")).to_be_visible()
    expect(page.locator("main form.form button.button")).to_contain_text("Reset My Password")
    page.get_by_label("Email").fill("nobody@example.org")
    page.get_by_role("button", name="Reset My Password").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Password Reset")
    check_page(page, request_log)
