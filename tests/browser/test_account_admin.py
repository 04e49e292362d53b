"""The office helps a teacher who cannot sign in, in a real browser (R1): nobody sets another's
password, so the office sends a password-reset email from the teacher's account page, and the
teacher chooses a new password from it. The office's own page and a leader's are read-only.
Every page passes axe-core, fits 320 px and loads nothing from another host."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import User
from classes.models import School
from tests.browser.conftest import RequestLog, check_page, sign_in
from tests.factories import PASSWORD, LeaderFactory, OfficeFactory, TeacherFactory, with_totp

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

NEW_PASSWORD = "a-long-new-passphrase-42"


def totp_now(secret: str) -> str:
    # The server checks the code against the real clock, so the code is made from it too.
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_R1_the_office_sends_a_reset_email_and_the_teacher_chooses_a_password(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    office = OfficeFactory.create()
    secret = with_totp(office)
    teacher = TeacherFactory.create(email="patel@example.org")
    leader = LeaderFactory.create()
    assert office.email

    sign_in(page, live_server, office.email, PASSWORD)
    page.locator("input[name=code]").fill(totp_now(secret))
    page.get_by_role("button", name="Sign In").click()
    # Signed in once the two-factor page is left: going elsewhere sooner would cancel it.
    page.wait_for_url(lambda url: "/accounts/2fa/" not in url)

    page.goto(f"{live_server.url}/admin/accounts/user/{teacher.pk}/change/")
    role = page.get_by_label("Role")
    expect(role.locator("option")).to_have_text(["Parent or carer", "Teacher", "Support staff"])
    check_page(page, request_log)

    page.get_by_role("button", name="Send a password-reset email").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "A password-reset email is on its way to patel@example.org."
    )
    check_page(page, request_log)

    for read_only in (office, leader):
        page.goto(f"{live_server.url}/admin/accounts/user/{read_only.pk}/change/")
        expect(page.get_by_role("button", name="Save")).to_have_count(0)
        expect(page.get_by_role("button", name="Send a password-reset email")).to_have_count(0)
    check_page(page, request_log)

    [email] = mail.outbox
    assert email.to == ["patel@example.org"]
    link = re.search(r"/accounts/password/reset/key/\S+/", str(email.body))
    assert link
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{link.group(0)}")
    check_page(page, request_log)
    page.get_by_label("New Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New Password (again)", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name=re.compile("Change Password", re.IGNORECASE)).click()
    page.wait_for_load_state()
    assert User.objects.get(pk=teacher.pk).check_password(NEW_PASSWORD)
