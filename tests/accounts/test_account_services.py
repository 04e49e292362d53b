"""The account services check the same predicate as the admin, whoever calls them (R1), record
what they did with the role their author held at the time (R28), and never set a password:
the holder chooses it from an email that reaches the portal's own set-password page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import Role, Suspension, User
from accounts.password_emails import RESET, password_email_send
from accounts.permissions.accounts import can_set_role, grantable_roles
from accounts.services.accounts import (
    EMAIL_TAKEN,
    account_create,
    account_password_email_send,
    account_role_set,
)
from accounts.services.suspensions import account_reinstate, account_suspend
from audit import AuditAction
from audit.context import RequestAddressMiddleware
from audit.models import AuditEntry
from privacy.deletion import account_delete_suspended
from tests.factories import (
    PASSWORD,
    LeaderFactory,
    OfficeFactory,
    ParentFactory,
    PupilFactory,
    TeacherFactory,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-new-passphrase-42"


def link_in(body: object) -> str:
    match = re.search(r"http://\S+/accounts/password/reset/key/\S+/", str(body))
    assert match, body
    return match.group(0).removeprefix("http://localhost:8000")


def choose_password(link: str, password: str) -> Client:
    """What the holder does with the emailed link: open it, type a password twice."""
    client = Client()
    page = client.get(link, follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0]
    done = client.post(form_url, {"password1": password, "password2": password})
    assert done.status_code == 302
    return client


def signs_in(email: str, password: str) -> bool:
    response = Client().post(reverse("account_login"), {"login": email, "password": password})
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


# Making accounts ------------------------------------------------------------------------------


def test_R1_the_office_cannot_make_an_office_or_leader_account(school: Any) -> None:
    office = OfficeFactory()
    for role in (Role.OFFICE, Role.LEADER, Role.PUPIL):
        with pytest.raises(PermissionDenied):
            account_create(acting_user=office, email="new@example.org", role=role)
    assert not User.objects.filter(email="new@example.org").exists()
    assert not AuditEntry.objects.exists()


def test_R1_a_new_account_has_no_password_and_its_holder_chooses_one_from_the_email(
    school: Any, django_capture_on_commit_callbacks: Any
) -> None:
    leader = LeaderFactory()
    with django_capture_on_commit_callbacks(execute=True):
        office = account_create(
            acting_user=leader,
            email=" New.Office@Example.org ",
            role=Role.OFFICE,
            first_name="Robin",
            last_name="Ashdown",
            preferred_language="es",
        )
    assert (office.email, office.is_staff, office.is_superuser) == (
        "new.office@example.org",
        True,
        False,
    )
    assert not office.has_usable_password()
    assert EmailAddress.objects.get(user=office).email == "new.office@example.org"
    entry = AuditEntry.objects.get(action=AuditAction.ACCOUNT_CREATED)
    assert (entry.actor, entry.actor_role, entry.details) == (leader, "leader", {"role": "office"})

    [email] = mail.outbox
    assert email.to == ["new.office@example.org"]
    assert email.extra_headers["Content-Language"] == "es"
    assert "elija su contraseña" in email.subject  # "choose your password", in Spanish
    choose_password(link_in(email.body), NEW_PASSWORD)
    assert signs_in("new.office@example.org", NEW_PASSWORD)
    # The link works once.
    assert Client().get(link_in(email.body), follow=True).context["token_fail"]


def test_R1_a_new_account_needs_an_address_no_one_has_in_any_case(school: Any) -> None:
    ParentFactory(email="taken@example.org")
    with pytest.raises(ValidationError) as refused:
        account_create(acting_user=OfficeFactory(), email="Taken@Example.org", role=Role.PARENT)
    assert refused.value.message_dict == {"email": [str(EMAIL_TAKEN)]}
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1


# Changing roles -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make_actor",
    [OfficeFactory, LeaderFactory, lambda: LeaderFactory(is_superuser=True)],
    ids=["office", "leader", "superuser"],
)
def test_R1_nobody_changes_their_own_role_even_through_the_service(
    school: Any, make_actor: Any
) -> None:
    actor = make_actor()
    before = actor.role
    for role in (Role.PARENT, Role.TEACHER, Role.OFFICE, Role.LEADER):
        with pytest.raises(PermissionDenied):
            account_role_set(acting_user=actor, user=actor, role=role)
    actor.refresh_from_db()
    assert actor.role == before
    assert grantable_roles(actor, actor) == []
    assert not AuditEntry.objects.exists()


def test_R1_a_leader_promotes_and_demotes_and_admin_access_follows(school: Any) -> None:
    leader, teacher = LeaderFactory(), TeacherFactory()
    promoted = account_role_set(acting_user=leader, user=teacher, role=Role.OFFICE)
    assert (promoted.role, promoted.is_staff) == (Role.OFFICE, True)
    demoted = account_role_set(acting_user=leader, user=teacher, role=Role.SUPPORT)
    assert (demoted.role, demoted.is_staff) == (Role.SUPPORT, False)
    entries = AuditEntry.objects.filter(action=AuditAction.ROLE_CHANGED).order_by("pk")
    assert [e.details for e in entries] == [
        {"from": "teacher", "to": "office"},
        {"from": "office", "to": "support"},
    ]
    assert {(e.actor_id, e.actor_role) for e in entries} == {(leader.pk, "leader")}


def test_R1_the_office_changes_classroom_roles_but_never_makes_an_office_member(
    school: Any,
) -> None:
    office, teacher = OfficeFactory(), TeacherFactory()
    assert account_role_set(acting_user=office, user=teacher, role=Role.SUPPORT).role == "support"
    for role in (Role.OFFICE, Role.LEADER):
        with pytest.raises(PermissionDenied):
            account_role_set(acting_user=office, user=teacher, role=role)
    with pytest.raises(PermissionDenied):
        account_role_set(acting_user=office, user=OfficeFactory(), role=Role.TEACHER)
    teacher.refresh_from_db()
    assert teacher.role == Role.SUPPORT


def test_R1_a_superusers_account_is_a_superusers_to_change(school: Any) -> None:
    technician = LeaderFactory(is_superuser=True)
    with pytest.raises(PermissionDenied):
        account_role_set(acting_user=LeaderFactory(), user=technician, role=Role.PARENT)
    with pytest.raises(PermissionDenied):
        account_password_email_send(acting_user=LeaderFactory(), user=technician)
    other = LeaderFactory(is_superuser=True)
    changed = account_role_set(acting_user=other, user=technician, role=Role.TEACHER)
    assert (changed.role, changed.is_staff, changed.is_superuser) == (Role.TEACHER, True, True)


def test_R1_no_one_gives_the_pupil_role_or_changes_a_pupils_account(school: Any) -> None:
    """A pupil's sign-in account belongs to their pupil record (the picture-code service)."""
    technician = LeaderFactory(is_superuser=True)
    pupil_account = User.objects.create_user(role=Role.PUPIL)
    PupilFactory(user=pupil_account)
    assert not can_set_role(technician, None, Role.PUPIL)
    assert not can_set_role(technician, TeacherFactory(), Role.PUPIL)
    assert grantable_roles(technician, pupil_account) == []


def test_R1_a_switched_off_actor_gives_no_role(school: Any) -> None:
    leader = LeaderFactory(is_active=False)
    with pytest.raises(PermissionDenied):
        account_role_set(acting_user=leader, user=TeacherFactory(), role=Role.LEADER)


# Password emails ------------------------------------------------------------------------------


def test_R1_a_reset_email_leaves_the_password_until_the_holder_chooses_another(
    school: Any, django_capture_on_commit_callbacks: Any
) -> None:
    office = OfficeFactory()
    teacher = TeacherFactory(email="t@example.org", preferred_language="pl")
    with django_capture_on_commit_callbacks(execute=True):
        account_password_email_send(acting_user=office, user=teacher)
    [email] = mail.outbox
    assert (email.to, email.extra_headers["Content-Language"]) == (["t@example.org"], "pl")
    teacher.refresh_from_db()
    assert teacher.check_password(PASSWORD)  # nothing changed yet
    choose_password(link_in(email.body), NEW_PASSWORD)
    assert signs_in("t@example.org", NEW_PASSWORD)
    assert not signs_in("t@example.org", PASSWORD)
    entry = AuditEntry.objects.get(action=AuditAction.PASSWORD_EMAIL_SENT)
    assert (entry.actor, entry.actor_role, entry.subject_id) == (office, "office", str(teacher.pk))


def test_R1_no_reset_email_for_a_switched_off_account_even_one_queued_before(
    school: Any,
) -> None:
    office, parent = OfficeFactory(), ParentFactory(is_active=False)
    with pytest.raises(PermissionDenied):
        account_password_email_send(acting_user=office, user=parent)
    assert password_email_send(user_id=parent.pk, kind=RESET) is False
    assert mail.outbox == []


# Suspensions and deletions follow the same rule ----------------------------------------------


def test_R1_R5_the_office_cannot_suspend_or_delete_a_leader(school: Any) -> None:
    office, leader = OfficeFactory(), LeaderFactory()
    with pytest.raises(PermissionDenied):
        account_suspend(acting_user=office, user=leader, reason="Locking out the head")
    Suspension.objects.create(user=leader, reason="By the governors", suspended_by=None)
    User.objects.filter(pk=leader.pk).update(is_suspended=True)
    with pytest.raises(PermissionDenied):
        account_reinstate(acting_user=office, user=leader)
    with pytest.raises(PermissionDenied):
        account_delete_suspended(acting_user=office, user=leader)
    leader.refresh_from_db()
    assert leader.is_suspended


# The audit log keeps the role its author had when they acted ---------------------------------


def test_R28_an_admin_history_entry_names_the_role_the_actor_had_when_the_request_began(
    school: Any,
) -> None:
    """Whatever a request did to its own author's account, the entry it writes names them by
    the role they had when they acted: the admin's history is read back from the database
    after the change, so it used to name the role the request had just given."""
    office, parent = OfficeFactory(), ParentFactory()

    def view(request: HttpRequest) -> HttpResponse:
        User.objects.filter(pk=office.pk).update(role=Role.LEADER)  # as the old admin allowed
        LogEntry.objects.log_actions(
            user_id=office.pk,
            queryset=[parent],
            action_flag=CHANGE,
            change_message="[]",
            single_object=True,
        )
        return HttpResponse()

    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(pk=office.pk)
    RequestAddressMiddleware(view)(request)

    entry = AuditEntry.objects.get(action=AuditAction.ADMIN_CHANGED)
    assert (entry.actor_id, entry.actor_role, entry.actor_label) == (
        office.pk,
        "office",
        f"office #{office.pk}",
    )
    assert ContentType.objects.get_for_model(User).pk == LogEntry.objects.get().content_type_id
