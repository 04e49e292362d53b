"""R28 journeys: the privacy notices are reached from every page's footer, by a visitor, a parent
and a pupil; both pass axe-core, fit 320 px, work from the keyboard and load nothing from
another host (their pictures are the school's own drawings)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from classes.models import School
from tests.browser.conftest import RequestLog, check_page, sign_in
from tests.factories import (
    PASSWORD,
    PICTURE_CODE,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    give_picture_code,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARENTS_HEADING = "Privacy notice for parents, carers and staff"
PUPILS_HEADING = "Your information at school"


def _pictures_loaded(page: Page) -> None:
    """Every drawing on the page arrived and has a size (a broken image would be 0 wide)."""
    # The heading shows before the pictures arrive: their sizes are read once the page's load
    # event (every picture loaded or failed) has fired, not while a busy machine still sends them.
    page.wait_for_load_state("load")
    widths = page.eval_on_selector_all(
        ".kid-notice-list img", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)"
    )
    assert widths and all(width > 0 for width in widths), widths


def test_R28_visitor_reads_both_notices_from_the_footer(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    footer = page.locator("footer")
    footer.get_by_role("link", name="Privacy notice", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(PARENTS_HEADING)
    expect(page.get_by_text("New Village Primary is the data controller")).to_be_visible()
    check_page(page, request_log)

    # From the keyboard: a contents link moves to its section.
    page.get_by_role("link", name="How long we keep it").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/privacy/notice/#how-long")
    expect(page.get_by_role("heading", name="How long we keep it")).to_be_in_viewport()

    page.get_by_role("link", name="A notice for children, in pictures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PUPILS_HEADING)
    _pictures_loaded(page)
    check_page(page, request_log)

    page.get_by_role("link", name="For grown-ups: the full privacy notice").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(PARENTS_HEADING)


def test_R28_parent_reads_the_notice_from_their_home_page(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    link = ParentLinkFactory.create()
    sign_in(page, live_server, link.parent.email, PASSWORD)

    page.locator("footer").get_by_role("link", name="Privacy notice", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(PARENTS_HEADING)
    expect(page.get_by_role("link", name="Download my data")).to_be_visible()
    check_page(page, request_log)


def test_R28_pupil_reads_their_notice_in_pictures(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    oak = SchoolClassFactory.create(name="Oak")
    maya = PupilFactory.create(school_class=oak, first_name="Maya")
    give_picture_code(maya)
    page.goto(f"{live_server.url}/pupil/")
    page.get_by_label("Type your class code").fill(oak.class_code)
    page.get_by_role("button", name="Go").click()
    page.get_by_role("link", name="Maya").click()
    for key in PICTURE_CODE:
        page.get_by_role("button", name=key, exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/")

    footer = page.locator("footer")
    expect(footer.get_by_role("link", name="Privacy notice", exact=True)).to_have_count(0)
    footer.get_by_role("link", name="Privacy notice for children").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(PUPILS_HEADING)
    expect(page.get_by_text("Your teacher can see your points.")).to_be_visible()
    expect(
        page.get_by_text("Photos of you are only shared if your grown-up said yes.")
    ).to_be_visible()
    _pictures_loaded(page)
    check_page(page, request_log)
