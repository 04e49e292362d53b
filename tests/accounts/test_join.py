"""The join pages: a new parent makes an account with a code and the child's date of birth, a
signed-in parent adds a child, nobody else redeems (R1, R2, R3)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from accounts.forms.join import (
    CODE_FORMAT,
    CODE_REQUIRED,
    DOB_IN_FUTURE,
    DOB_INVALID,
    DOB_REQUIRED,
    EMAIL_REQUIRED,
    NAME_REQUIRED,
    PASSWORD_REQUIRED,
    PASSWORDS_DIFFER,
    TOO_LONG,
)
from accounts.models import ExtraParentRequest, InviteCode, ParentLink, Role, User
from accounts.services.invites import ALREADY_LINKED, BAD_CODE_OR_DATE, EMAIL_EXISTS
from classes.models import Pupil, SchoolClass
from tests.conftest import client_for, pupil_client_for
from tests.factories import (
    InviteCodeFactory,
    OfficeFactory,
    ParentFactory,
    ParentLinkFactory,
    PupilFactory,
    TeacherFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CODE = "ABCDEFGHJKLM"
DOB = date(2018, 5, 17)
PASSWORD = "plum-orchard-lantern-42"
NEW_EMAIL = "robin.ashdown@example.org"


@pytest.fixture
def pupil(school, school_class: SchoolClass) -> Pupil:
    return PupilFactory(school_class=school_class, first_name="Maya", date_of_birth=DOB)


@pytest.fixture
def invite(pupil: Pupil) -> InviteCode:
    return InviteCodeFactory(pupil=pupil, code=CODE)


def code_data(**overrides: str) -> dict[str, str]:
    data = {"code": "abcd-efgh-jklm", "dob_day": "17", "dob_month": "5", "dob_year": "2018"}
    data.update(overrides)
    return data


def new_parent_data(**overrides: str) -> dict[str, str]:
    data = code_data()
    data.update(
        first_name="Robin",
        last_name="Ashdown",
        email=NEW_EMAIL,
        password1=PASSWORD,
        password2=PASSWORD,
        preferred_language="es",
    )
    data.update(overrides)
    return data


def shown(message: object) -> str:
    """``message`` as the page's HTML shows it."""
    return escape(str(message))


def page(response: Any) -> str:
    return response.content.decode()


def assert_nothing_changed(invite: InviteCode) -> None:
    invite.refresh_from_db()
    assert invite.used_at is None
    assert not ParentLink.objects.exists()
    assert not ExtraParentRequest.objects.exists()
    assert not User.objects.filter(first_name="Robin", last_name="Ashdown").exists()
    assert not EmailAddress.objects.exists()


# The start page ------------------------------------------------------------------------------


def test_R2_join_page_is_open_without_signing_in(client: Client, school) -> None:
    response = client.get(reverse("join"))
    assert response.status_code == 200
    html = page(response)
    for name in (
        "code",
        "dob_day",
        "dob_month",
        "dob_year",
        "first_name",
        "last_name",
        "email",
        "password1",
        "password2",
        "preferred_language",
    ):
        assert f'name="{name}"' in html
    assert "no-store" in response["Cache-Control"]


def test_R2_qr_code_link_fills_in_the_code(client: Client, school) -> None:
    response = client.get(reverse("join"), {"code": "abcd efgh-jklm"})
    html = page(response)
    assert 'value="ABCD-EFGH-JKLM"' in html
    link = re.search(r'href="([^"]*/accounts/login/[^"]*)"', html)
    assert link is not None
    query = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)
    assert query["next"] == ["/join/?code=ABCD-EFGH-JKLM"]


def test_R2_something_that_is_not_a_code_is_not_filled_in(client: Client, school) -> None:
    response = client.get(reverse("join"), {"code": "<b>hello</b>"})
    assert "hello" not in page(response)


def test_R2_signed_in_parent_sees_only_the_code_and_date(school) -> None:
    html = page(client_for(ParentFactory()).get(reverse("join")))
    assert 'name="code"' in html
    assert 'name="dob_year"' in html
    assert 'name="password1"' not in html
    assert 'name="email"' not in html


def test_R2_every_input_has_a_label(client: Client, school) -> None:
    html = page(client.get(reverse("join")))
    ids = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html)
    assert len(ids) == 10
    for input_id in ids:
        assert f'for="{input_id}"' in html


# A new parent (R2) -------------------------------------------------------------------------


def test_R2_new_parent_joins_and_is_signed_in_and_linked(
    client: Client, invite: InviteCode
) -> None:
    response = client.post(reverse("join"), new_parent_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("join_done")
    parent = User.objects.get(email=NEW_EMAIL)
    assert (parent.role, parent.preferred_language) == (Role.PARENT, "es")
    assert ParentLink.objects.filter(parent=parent, pupil=invite.pupil).exists()
    address = EmailAddress.objects.get(user=parent)
    assert address.primary
    assert not address.verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [NEW_EMAIL]
    invite.refresh_from_db()
    assert invite.used_by == parent
    done = client.get(reverse("join_done"))
    assert done.wsgi_request.user == parent
    # The parent chose Spanish on the form: the portal speaks Spanish to them from then on.
    assert '<html lang="es">' in page(done)
    assert "Su cuenta ya está vinculada a Maya, de Oak" in page(done)


def test_R3_third_parent_is_told_the_office_will_decide(
    client: Client, invite: InviteCode
) -> None:
    ParentLinkFactory.create_batch(2, pupil=invite.pupil)
    response = client.post(reverse("join"), new_parent_data(), follow=True)
    html = page(response)
    assert "La secretaría de la escuela revisará esta solicitud" in html
    assert "y Maya ya tiene dos" in html
    parent = User.objects.get(email=NEW_EMAIL)
    assert not ParentLink.objects.filter(parent=parent).exists()
    assert (
        ExtraParentRequest.objects.get(parent=parent).status == ExtraParentRequest.Status.PENDING
    )


def test_R2_new_parent_with_a_wrong_code_is_told_and_nothing_is_made(
    client: Client, invite: InviteCode
) -> None:
    response = client.post(reverse("join"), new_parent_data(code="ZZZZ-ZZZZ-ZZZZ"))
    assert response.status_code == 200
    assert shown(BAD_CODE_OR_DATE) in page(response)
    assert_nothing_changed(invite)


def test_R2_new_parent_with_a_wrong_date_of_birth_gets_the_same_message(
    client: Client, invite: InviteCode
) -> None:
    response = client.post(reverse("join"), new_parent_data(dob_day="18"))
    assert shown(BAD_CODE_OR_DATE) in page(response)
    assert_nothing_changed(invite)


def test_R2_existing_email_is_asked_to_sign_in_first(client: Client, invite: InviteCode) -> None:
    ParentFactory(email="robin@example.org")
    response = client.post(reverse("join"), new_parent_data(email="Robin@Example.org"))
    html = page(response)
    assert shown(EMAIL_EXISTS) in html
    assert 'id="id_email_error"' in html
    assert User.objects.filter(email__iexact="robin@example.org").count() == 1
    assert_nothing_changed(invite)


def test_R2_mismatched_passwords_are_refused(client: Client, invite: InviteCode) -> None:
    response = client.post(reverse("join"), new_parent_data(password2="plum-orchard-lantern-43"))
    assert shown(PASSWORDS_DIFFER) in page(response)
    assert_nothing_changed(invite)


def test_R2_weak_password_is_refused_by_djangos_validators(
    client: Client, invite: InviteCode
) -> None:
    response = client.post(reverse("join"), new_parent_data(password1="12345", password2="12345"))
    assert "This password is too short" in page(response)
    assert_nothing_changed(invite)


def test_R2_empty_form_names_every_missing_field(client: Client, invite: InviteCode) -> None:
    response = client.post(reverse("join"), {})
    html = page(response)
    for message in (CODE_REQUIRED, DOB_REQUIRED, NAME_REQUIRED, EMAIL_REQUIRED, PASSWORD_REQUIRED):
        assert shown(message) in html
    assert "There is a problem" in html
    assert_nothing_changed(invite)


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("first_name", TOO_LONG % {"limit_value": 150}),
        ("last_name", TOO_LONG % {"limit_value": 150}),
        ("email", TOO_LONG % {"limit_value": 254}),
        ("password1", TOO_LONG % {"limit_value": 128}),
        ("code", CODE_FORMAT),
        ("dob_year", DOB_INVALID),
    ],
)
def test_R2_oversized_fields_are_refused(
    client: Client, invite: InviteCode, field: str, message: str
) -> None:
    value = "x" * 10_000 if field != "email" else "x" * 10_000 + "@example.org"
    response = client.post(reverse("join"), new_parent_data(**{field: value}))
    assert response.status_code == 200
    assert shown(message) in page(response)
    assert_nothing_changed(invite)


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "2018", DOB_INVALID),
        ("aa", "5", "2018", DOB_INVALID),
        ("17", "5", "18", DOB_INVALID),
        ("17", "", "2018", DOB_REQUIRED),
        ("1", "1", "2999", DOB_IN_FUTURE),
    ],
)
def test_R2_impossible_dates_of_birth_are_refused(
    client: Client, invite: InviteCode, day: str, month: str, year: str, message: str
) -> None:
    data = new_parent_data(dob_day=day, dob_month=month, dob_year=year)
    response = client.post(reverse("join"), data)
    html = page(response)
    assert shown(message) in html
    assert 'aria-describedby="dob-hint id_dob_day_error"' in html
    assert_nothing_changed(invite)


def test_R2_errors_are_linked_to_their_fields(client: Client, invite: InviteCode) -> None:
    response = client.post(reverse("join"), new_parent_data(first_name="", email="not-an-email"))
    html = page(response)
    described = re.findall(r'aria-describedby="([^"]+)"', html)
    assert any("id_first_name_error" in ids for ids in described)
    for ids in described:
        for element_id in ids.split():
            assert f'id="{element_id}"' in html
    assert 'href="#id_first_name"' in html
    assert_nothing_changed(invite)


def test_R2_sixth_attempt_on_the_page_is_refused_even_with_the_right_code(
    client: Client, invite: InviteCode
) -> None:
    for attempt in range(settings.INVITE_MAX_FAILURES):
        client.post(reverse("join"), new_parent_data(code=f"ZZZZZZZZZZZ{'23456'[attempt]}"))
    response = client.post(reverse("join"), new_parent_data())
    assert (
        "Too many tries. Please wait 15 minutes or contact the school office on 01302 555 0100."
        in page(response)
    )
    assert_nothing_changed(invite)


# A signed-in parent adds a child -------------------------------------------------------------


def test_R2_signed_in_parent_adds_a_child(invite: InviteCode) -> None:
    parent = ParentFactory()
    client = client_for(parent)
    users = User.objects.count()
    response = client.post(reverse("join"), code_data(), follow=True)
    assert "You are now linked to Maya in Oak" in page(response)
    assert ParentLink.objects.filter(parent=parent, pupil=invite.pupil).exists()
    assert User.objects.count() == users


def test_R2_signed_in_parent_already_linked_is_told(invite: InviteCode) -> None:
    link = ParentLinkFactory(pupil=invite.pupil)
    response = client_for(link.parent).post(reverse("join"), code_data())
    assert shown(ALREADY_LINKED) in page(response)
    invite.refresh_from_db()
    assert invite.used_at is None


def test_R2_signed_in_parent_with_a_wrong_code_is_told(invite: InviteCode) -> None:
    parent = ParentFactory()
    response = client_for(parent).post(reverse("join"), code_data(code="ZZZZZZZZZZZZ"))
    assert shown(BAD_CODE_OR_DATE) in page(response)
    assert_nothing_changed(invite)


# Nobody else ---------------------------------------------------------------------------------


@pytest.mark.parametrize("factory", [TeacherFactory, OfficeFactory])
def test_R2_staff_posting_a_code_get_a_404(invite: InviteCode, factory: Any) -> None:
    response = client_for(factory()).post(reverse("join"), code_data())
    assert response.status_code == 404
    assert_nothing_changed(invite)


def test_R2_pupils_posting_a_code_get_a_404(invite: InviteCode) -> None:
    pupil_user = UserFactory(role=Role.PUPIL, email=None)
    response = pupil_client_for(pupil_user).post(reverse("join"), code_data())
    assert response.status_code == 404
    assert_nothing_changed(invite)


def test_R2_staff_opening_the_join_page_are_told_it_is_for_parents(school) -> None:
    response = client_for(TeacherFactory()).get(reverse("join"))
    assert "Invite codes are for parents and carers" in page(response)
    assert 'name="code"' not in page(response)


def test_R2_done_page_without_a_redemption_goes_home(school) -> None:
    response = client_for(ParentFactory()).get(reverse("join_done"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_R2_done_page_is_not_for_staff(school) -> None:
    assert client_for(TeacherFactory()).get(reverse("join_done")).status_code == 404


def test_R2_done_page_never_names_a_child_the_parent_is_not_linked_to(invite: InviteCode) -> None:
    parent = ParentFactory()
    client = client_for(parent)
    session = client.session
    session["join_outcome"] = {"pupil": invite.pupil_id, "linked": True}
    session.save()
    response = client.get(reverse("join_done"))
    assert response.status_code == 302
    assert "Maya" not in page(response)
