"""R5: a suspended account cannot sign in or use any page, and is told to contact the office."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import Suspension, User
from accounts.services.suspensions import (
    ALREADY_SUSPENDED,
    CANNOT_SUSPEND_SELF,
    NOT_SUSPENDED,
    REASON_REQUIRED,
    account_reinstate,
    account_suspend,
)
from classes.models import School
from tests.conftest import client_for
from tests.factories import PASSWORD, LeaderFactory, OfficeFactory, ParentFactory, TeacherFactory

SUSPENDED_HEADING = "Your account is suspended"
CONTACT_OFFICE = "Please contact the school office."


def sign_in(email: str, password: str = PASSWORD) -> tuple[Client, Any]:
    client = Client()
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    return client, response


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def leader(db: None) -> User:
    return LeaderFactory.create()


@pytest.mark.django_db
@pytest.mark.parametrize("make_user", [ParentFactory, TeacherFactory])
def test_R5_open_session_stops_at_the_next_request(
    make_user: Any, leader: User, school: School
) -> None:
    user = make_user.create()
    client = client_for(user)
    assert client.get(reverse("home")).status_code == 200

    account_suspend(acting_user=leader, user=user, reason="Abusive messages to staff")
    response = client.get(reverse("home"))

    assert response.status_code == 403
    assert SUSPENDED_HEADING in response.text
    assert CONTACT_OFFICE in response.text
    assert school.office_phone in response.text
    assert not signed_in(client)
    assert client.get(reverse("home"))["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_R5_suspended_user_cannot_sign_in_and_is_told_to_contact_the_office(
    leader: User, school: School
) -> None:
    parent = ParentFactory.create()
    account_suspend(acting_user=leader, user=parent, reason="Repeated breaches after a warning")

    client, response = sign_in(parent.email)

    assert response.status_code == 403
    assert SUSPENDED_HEADING in response.text
    assert school.office_email in response.text
    assert not signed_in(client)


@pytest.mark.django_db
def test_R5_suspended_user_with_a_wrong_password_learns_nothing_about_the_suspension(
    leader: User,
) -> None:
    parent = ParentFactory.create()
    account_suspend(acting_user=leader, user=parent, reason="Repeated breaches after a warning")

    client, response = sign_in(parent.email, "not-the-password")

    assert response.status_code == 200
    assert SUSPENDED_HEADING not in response.text
    assert not signed_in(client)


@pytest.mark.django_db
def test_R5_reinstating_lets_them_sign_in_again(leader: User) -> None:
    parent = ParentFactory.create()
    account_suspend(acting_user=leader, user=parent, reason="Abusive messages to staff")

    suspension = account_reinstate(acting_user=leader, user=parent)
    client, response = sign_in(parent.email)

    assert response.status_code == 302
    assert signed_in(client)
    assert client.get(reverse("home")).status_code == 200
    assert suspension.lifted_by == leader
    assert suspension.lifted_at is not None


@pytest.mark.django_db
def test_R5_suspension_records_who_why_and_when(leader: User) -> None:
    parent = ParentFactory.create()

    suspension = account_suspend(acting_user=leader, user=parent, reason="  Abusive messages  ")

    parent.refresh_from_db()
    assert parent.is_suspended
    assert suspension.suspended_by == leader
    assert suspension.reason == "Abusive messages"
    assert suspension.lifted_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("make_actor", [ParentFactory, TeacherFactory])
def test_R5_only_leaders_and_the_office_suspend(make_actor: Any) -> None:
    parent = ParentFactory.create()

    with pytest.raises(PermissionDenied):
        account_suspend(acting_user=make_actor.create(), user=parent, reason="No reason to")

    parent.refresh_from_db()
    assert not parent.is_suspended
    assert not Suspension.objects.exists()


@pytest.mark.django_db
def test_R5_office_records_a_suspension_on_a_leaders_word() -> None:
    parent = ParentFactory.create()

    account_suspend(acting_user=OfficeFactory.create(), user=parent, reason="Decided by the head")

    parent.refresh_from_db()
    assert parent.is_suspended


@pytest.mark.django_db
def test_R5_only_leaders_and_the_office_reinstate(leader: User) -> None:
    parent = ParentFactory.create()
    account_suspend(acting_user=leader, user=parent, reason="Abusive messages to staff")

    with pytest.raises(PermissionDenied):
        account_reinstate(acting_user=TeacherFactory.create(), user=parent)

    parent.refresh_from_db()
    assert parent.is_suspended


@pytest.mark.django_db
@pytest.mark.parametrize(("reason", "message"), [("", REASON_REQUIRED), ("   ", REASON_REQUIRED)])
def test_R5_a_reason_is_required(leader: User, reason: str, message: str) -> None:
    parent = ParentFactory.create()

    with pytest.raises(ValidationError) as refused:
        account_suspend(acting_user=leader, user=parent, reason=reason)

    assert refused.value.messages == [str(message)]
    parent.refresh_from_db()
    assert not parent.is_suspended


@pytest.mark.django_db
def test_R5_nobody_suspends_themselves(leader: User) -> None:
    with pytest.raises(ValidationError) as refused:
        account_suspend(acting_user=leader, user=leader, reason="Testing")

    assert refused.value.messages == [str(CANNOT_SUSPEND_SELF)]
    assert not Suspension.objects.exists()


@pytest.mark.django_db
def test_R5_suspending_twice_is_refused_and_keeps_one_record(leader: User) -> None:
    parent = ParentFactory.create()
    account_suspend(acting_user=leader, user=parent, reason="First")

    with pytest.raises(ValidationError) as refused:
        account_suspend(acting_user=leader, user=parent, reason="Second")

    assert refused.value.messages == [str(ALREADY_SUSPENDED)]
    assert list(Suspension.objects.values_list("reason", flat=True)) == ["First"]


@pytest.mark.django_db
def test_R5_reinstating_someone_not_suspended_is_refused(leader: User) -> None:
    parent = ParentFactory.create()

    with pytest.raises(ValidationError) as refused:
        account_reinstate(acting_user=leader, user=parent)

    assert refused.value.messages == [str(NOT_SUSPENDED)]
    assert not Suspension.objects.exists()
