"""A leader reads the audit log in the admin in a real browser (R28): signs in with a password
and a TOTP code, lists the log, filters it by action and opens an entry, which has no save or
delete button. Every page passes axe-core, fits 320 px and loads nothing from another host."""

from __future__ import annotations

import time
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Page, expect

from audit import AuditAction, audit_record
from classes.models import School
from tests.browser.conftest import RequestLog, check_page, sign_in
from tests.factories import PASSWORD, LeaderFactory, OfficeFactory, ParentFactory, with_totp

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_R28_a_leader_reads_and_filters_the_audit_log(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    leader = LeaderFactory.create()
    secret = with_totp(leader)
    office, parent = OfficeFactory.create(), ParentFactory.create()
    audit_record(AuditAction.SUSPENDED, actor=leader, subject=parent, details={"suspension": 1})
    audit_record(AuditAction.INVITE_REVOKED, actor=office, subject=parent)
    assert leader.email

    sign_in(page, live_server, leader.email, PASSWORD)
    page.locator("input[name=code]").fill(totp_now(secret))
    page.get_by_role("button", name="Sign In").click()
    # Signed in once the two-factor page is left: going elsewhere sooner would cancel it.
    page.wait_for_url(lambda url: "/accounts/2fa/" not in url)

    page.goto(f"{live_server.url}/admin/audit/auditentry/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("audit entry")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    # Who acted, by name and their role then, not "leader #610"; newest first.
    expect(page.locator("#result_list td.field-by")).to_have_text(
        [f"{office.get_full_name()} (Office staff)", f"{leader.get_full_name()} (Leader)"]
    )
    check_page(page, request_log)

    page.get_by_role("link", name="Account suspended").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text(f"parent #{parent.pk}")
    check_page(page, request_log)

    page.locator("#result_list tbody tr th a").first.click()
    expect(page.get_by_text(f"leader #{leader.pk}", exact=True)).to_be_visible()
    expect(page.get_by_text("Account suspended", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    expect(page.get_by_role("link", name="Delete")).to_have_count(0)
    check_page(page, request_log)
