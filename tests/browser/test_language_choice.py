"""A parent changes their language on their account page (R32), in a real browser: the page
comes back in Polish at once, and so does every other page they open. Each page passes axe and
fits 320 px."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.browser.conftest import RequestLog, check_page, sign_in
from tests.factories import PASSWORD, ParentLinkFactory, PupilFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_R32_a_parent_switches_to_polish_on_their_account_page(
    page: Page, live_server: Any, request_log: RequestLog, school: Any
) -> None:
    maya = PupilFactory.create(first_name="Maya")
    parent = ParentLinkFactory.create(pupil=maya).parent
    assert parent.email and parent.preferred_language == "en-gb"
    page.set_viewport_size({"width": 320, "height": 740})
    sign_in(page, live_server, parent.email, PASSWORD)

    page.get_by_role("link", name="Your account", exact=True).click()
    check_page(page, request_log)
    page.get_by_label("Polski").check()
    page.get_by_role("button", name="Save language").click()

    # The same page, already in Polish, and the choice kept on the account.
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.get_by_role("button", name="Zapisz język")).to_be_visible()
    check_page(page, request_log)
    assert User.objects.get(pk=parent.pk).preferred_language == "pl"

    page.get_by_role("link", name="Historie", exact=True).first.click()
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    check_page(page, request_log)
