"""Gate pages pass axe-core and fit 320 px: sign-in, code of conduct (R4), suspended (R5)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from accounts.models import ConductAcceptance
from accounts.services.suspensions import account_suspend
from classes.models import School
from tests.browser.conftest import RequestLog, check_page, sign_in
from tests.factories import PASSWORD, CodeOfConductFactory, LeaderFactory, ParentFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_R10_sign_in_page_is_accessible_and_local(
    page: Page, live_server: Any, request_log: RequestLog
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign in", ignore_case=True)
    check_page(page, request_log)


def test_R4_parent_accepts_code_of_conduct_then_reaches_home(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    conduct = CodeOfConductFactory.create(title="How we talk to each other", version=1)
    parent = ParentFactory.create(email="carer@example.org")

    sign_in(page, live_server, parent.email, PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/conduct/")
    expect(page.get_by_role("heading", level=1)).to_have_text("How we talk to each other")
    check_page(page, request_log)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Accept and continue").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your children")
    check_page(page, request_log)
    assert ConductAcceptance.objects.filter(user=parent, conduct=conduct).exists()


def test_R4_conduct_is_not_accepted_without_the_tick(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    CodeOfConductFactory.create(version=1)
    parent = ParentFactory.create()

    sign_in(page, live_server, parent.email, PASSWORD)
    page.get_by_role("button", name="Accept and continue").click()

    # The browser itself refuses the form: the tick box is required.
    expect(page).to_have_url(f"{live_server.url}/conduct/")
    assert page.get_by_role("checkbox").evaluate("box => box.validity.valueMissing")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/conduct/")
    check_page(page, request_log)
    assert not ConductAcceptance.objects.filter(user=parent).exists()


def test_R5_suspended_parent_sees_the_office_contact_on_next_page(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    parent = ParentFactory.create()
    leader = LeaderFactory.create()
    sign_in(page, live_server, parent.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your children")

    account_suspend(acting_user=leader, user=parent, reason="Abusive messages to staff")
    page.reload()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is suspended")
    expect(page.get_by_role("main")).to_contain_text("Please contact the school office.")
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name=school.office_phone)).to_have_attribute(
        "href", "tel:" + school.office_phone.replace(" ", "")
    )
    check_page(page, request_log)
