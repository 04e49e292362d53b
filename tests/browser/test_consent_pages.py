"""Consent pages in a real browser: the roster (R14) and the data-processing form (R4) pass
axe-core and fit 320 px; a class's roster prints on one A4 page, and "print all" gives each
class its own page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from classes.models import School, SchoolClass, YearGroup
from consent.models import DataProcessingAgreement, DataProcessingForm, MediaStatus
from consent.services.media import looked_after_set, media_consent_record
from tests.browser.conftest import RequestLog, check_page, sign_in, sign_in_with_two_factor
from tests.factories import (
    PASSWORD,
    OfficeFactory,
    ParentFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

FORM = dt.date(2026, 9, 3)
# Each page of a PDF is one "/Type /Page" object ("/Type /Pages" is the page tree).
PDF_PAGE = re.compile(rb"/Type\s*/Page(?!s)")


def printed_pages(page: Page) -> int:
    """How many sheets the page prints on, with its own CSS (`@page { size: A4 }`)."""
    return len(PDF_PAGE.findall(page.pdf(prefer_css_page_size=True, print_background=True)))


def fill_class(school_class: SchoolClass, size: int, granted: int) -> None:
    """``size`` pupils with long names (the worst case for the printed page), ``granted`` of
    them with consent, one looked-after, the rest with no form."""
    office = OfficeFactory.create()
    pupils = [
        PupilFactory.create(
            school_class=school_class, first_name=f"Maximiliana{n:02d}", surname="Featherstone"
        )
        for n in range(size)
    ]
    if granted:
        media_consent_record(
            acting_user=office, pupils=pupils[:granted], status=MediaStatus.GRANTED, form_date=FORM
        )
    looked_after_set(acting_user=office, pupils=pupils[-1:], looked_after=True)


def test_R14_teacher_opens_the_roster_from_home_and_it_prints_on_one_a4_page(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    oak = SchoolClassFactory.create(name="Oak")
    teacher = assign_teacher(TeacherFactory.create(), oak)
    fill_class(oak, size=35, granted=20)

    assert teacher.email
    sign_in(page, live_server, teacher.email, PASSWORD)
    page.get_by_role("link", name="Photo consent for this class").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Photo consent: Oak (Year 3)")
    expect(page.get_by_role("main")).to_contain_text("20 may appear in photos, 15 must not.")
    entries = page.locator(".roster-entry")
    expect(entries).to_have_count(35)
    # Those who must not appear come first (Maximiliana20–34), then those who may.
    expect(entries.first).to_have_text("✗ Maximiliana20 Must not appear — no consent form")
    expect(entries.nth(14)).to_have_text("✗ Maximiliana34 Must not appear — looked-after child")
    expect(entries.nth(15)).to_have_text("✓ Maximiliana00 May appear in photos")
    expect(page.locator("body")).not_to_contain_text("Featherstone")
    check_page(page, request_log)
    assert printed_pages(page) == 1


def test_R14_office_prints_every_class_each_on_its_own_page(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    office = OfficeFactory.create()
    for name, size, granted in (("Oak", 35, 0), ("Ash", 35, 30), ("Elm", 3, 2)):
        fill_class(
            SchoolClassFactory.create(name=name, year_group=YearGroup.YEAR_2), size, granted
        )

    sign_in_with_two_factor(page, live_server, office)
    page.goto(f"{live_server.url}/consent/roster/")
    expect(page.get_by_role("link", name="Oak (Year 2)")).to_be_visible()
    check_page(page, request_log)
    page.get_by_role("link", name="Print all classes").click()

    expect(page.get_by_role("heading", level=2)).to_have_text(
        [
            "Photo consent: Ash (Year 2)",
            "Photo consent: Elm (Year 2)",
            "Photo consent: Oak (Year 2)",
        ]
    )
    check_page(page, request_log)
    assert printed_pages(page) == 3


def test_R4_parent_agrees_for_each_child_before_using_the_portal(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    form = DataProcessingForm.objects.create(
        version=1, title="How the school uses your child's data", body="We keep records safe."
    )
    parent = ParentFactory.create()
    for first_name, class_name in (("Maya", "Oak"), ("Leo", "Ash")):
        child = PupilFactory.create(
            first_name=first_name, school_class=SchoolClassFactory.create(name=class_name)
        )
        ParentLinkFactory.create(parent=parent, pupil=child)

    assert parent.email
    sign_in(page, live_server, parent.email, PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/consent/data-processing/")
    expect(page.get_by_role("heading", level=1)).to_have_text(form.title)
    check_page(page, request_log)

    page.get_by_role("button", name="Agree and continue").click()
    expect(page.get_by_text("Tick the box for at least one child.")).to_be_visible()
    check_page(page, request_log)

    page.get_by_role("checkbox", name="I agree for Maya").check()
    page.get_by_role("checkbox", name="I agree for Leo").check()
    page.get_by_role("button", name="Agree and continue").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your children")
    check_page(page, request_log)
    assert DataProcessingAgreement.objects.filter(parent=parent, form=form).count() == 2
