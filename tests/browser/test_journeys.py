"""User journeys in a real browser: each page visited passes axe-core, fits 320 px, stays local."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from accounts.models import ParentLink, User
from accounts.services.invites import invite_codes_create
from classes.models import School
from tests.browser.conftest import RequestLog, check_page, sign_in
from tests.factories import (
    PASSWORD,
    PICTURE_CODE,
    OfficeFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
    give_picture_code,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_R6_teacher_signs_in_and_sees_class_by_display_names(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    oak = SchoolClassFactory.create(name="Oak")
    elm = SchoolClassFactory.create(name="Elm")
    teacher = assign_teacher(TeacherFactory.create(title="Mrs", last_name="Okafor"), oak)
    PupilFactory.create(school_class=oak, first_name="Amir", surname="Khanzada")
    PupilFactory.create(school_class=oak, first_name="Amir", surname="Kowalczyk")
    PupilFactory.create(school_class=oak, first_name="Maya", surname="Brightwater")
    PupilFactory.create(school_class=elm, first_name="Zofia", surname="Nettleford")

    assert teacher.email
    sign_in(page, live_server, teacher.email, PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/")
    oak_card = page.get_by_role("region", name="Oak")
    expect(oak_card.get_by_role("listitem")).to_have_text(["Amir Kh.", "Amir Ko.", "Maya"])
    body = page.locator("body")
    expect(body).not_to_contain_text("Khanzada")
    expect(body).not_to_contain_text("Zofia")
    expect(body).not_to_contain_text("Elm")
    check_page(page, request_log)


def test_R2_parent_joins_with_an_invite_code_and_sees_their_child(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    oak = SchoolClassFactory.create(name="Oak")
    maya = PupilFactory.create(school_class=oak, first_name="Maya", surname="Brightwater")
    PupilFactory.create(school_class=oak, first_name="Amir", surname="Khanzada")
    assign_teacher(TeacherFactory.create(title="Mrs", last_name="Okafor"), oak)
    [(_invite, code)] = invite_codes_create(
        acting_user=OfficeFactory.create(), pupils=[maya], per_pupil=1
    )

    page.goto(f"{live_server.url}/join/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Join the school portal")
    check_page(page, request_log)
    page.get_by_label("Invite code").fill(code.lower().replace("-", " "))
    page.get_by_label("Day").fill(str(maya.date_of_birth.day))
    page.get_by_label("Month").fill(str(maya.date_of_birth.month))
    page.get_by_label("Year").fill(str(maya.date_of_birth.year))
    page.get_by_label("Your first name").fill("Robin")
    page.get_by_label("Your last name").fill("Ashdown")
    page.get_by_label("Your email address").fill("robin.ashdown@example.org")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You are now linked to Maya in Oak")
    check_page(page, request_log)
    page.get_by_role("link", name="Go to your home page").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your children")
    # one card, Maya's, above the news
    expect(page.get_by_role("heading", level=2)).to_have_text(["Maya", "News"])
    expect(page.get_by_role("main")).to_contain_text("Mrs Okafor")
    expect(page.locator("body")).not_to_contain_text("Brightwater")
    expect(page.locator("body")).not_to_contain_text("Amir")
    check_page(page, request_log)
    parent = User.objects.get(email="robin.ashdown@example.org")
    assert list(ParentLink.objects.filter(parent=parent).values_list("pupil", flat=True)) == [
        maya.pk
    ]


def test_R6_pupil_signs_in_with_class_code_and_pictures_among_namesakes(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    oak = SchoolClassFactory.create(name="Oak")
    amir = PupilFactory.create(school_class=oak, first_name="Amir", surname="Khanzada")
    PupilFactory.create(school_class=oak, first_name="Amir", surname="Kowalczyk")
    give_picture_code(amir)

    page.goto(f"{live_server.url}/pupil/")
    check_page(page, request_log)
    page.get_by_label("Type your class code").fill(oak.class_code)
    page.get_by_role("button", name="Go").click()

    expect(page.get_by_role("link", name="Amir Ko.")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Kowalczyk")
    check_page(page, request_log)
    page.get_by_role("link", name="Amir Kh.").click()
    check_page(page, request_log)
    for key in PICTURE_CODE:
        page.get_by_role("button", name=key, exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Amir Kh.!")
    expect(page.locator("body")).not_to_contain_text("Khanzada")
    check_page(page, request_log)
