"""Decisions with a reason (R3, R5, R28): approving or refusing a third carer's request and
reinstating an account ask for confirmation and a reason first; the decision and its reason
are in the audit log, which names the person and their role; two office staff deciding the
same request at once make one decision."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import ExtraParentRequest, ParentLink, User
from accounts.services.invites import ALREADY_DECIDED, extra_parent_request_decide
from accounts.services.suspensions import account_suspend
from audit import AuditAction
from audit.models import AuditEntry
from classes.models import Pupil, SchoolClass
from tests.conftest import client_for
from tests.factories import (
    ExtraParentRequestFactory,
    LeaderFactory,
    OfficeFactory,
    ParentFactory,
    ParentLinkFactory,
    PupilFactory,
    with_totp,
)

pytestmark = pytest.mark.django_db

REQUESTS_URL = reverse("admin:accounts_extraparentrequest_changelist")
USERS_URL = reverse("admin:accounts_user_changelist")
AUDIT_URL = reverse("admin:audit_auditentry_changelist")


@pytest.fixture
def office(school: Any) -> User:
    office = OfficeFactory(first_name="Sarah", last_name="Bennett")
    with_totp(office)
    return office


@pytest.fixture
def office_client(office: User) -> Client:
    return client_for(office)


@pytest.fixture
def full_pupil(school_class: SchoolClass) -> Pupil:
    pupil = PupilFactory(school_class=school_class, first_name="Maya")
    ParentLinkFactory.create_batch(2, pupil=pupil)
    return pupil


def decide(
    client: Client, action: str, rows: list[Any], url: str = REQUESTS_URL, **form: str
) -> Any:
    data: dict[str, Any] = {"action": action, "_selected_action": [row.pk for row in rows]}
    data.update(form)
    return client.post(url, data)


def test_R3_refusing_asks_for_confirmation_and_a_reason_first(
    office_client: Client, full_pupil: Pupil
) -> None:
    request = ExtraParentRequestFactory(pupil=full_pupil)
    page = decide(office_client, "refuse", [request])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Refuse requests from a third carer" in html
    assert 'name="reason"' in html and 'name="confirm" value="yes"' in html
    request.refresh_from_db()
    assert request.status == ExtraParentRequest.Status.PENDING
    assert not AuditEntry.objects.filter(action=AuditAction.EXTRA_REQUEST_REFUSED).exists()


def test_R3_R28_a_refusal_with_its_reason_is_kept_and_audited(
    office_client: Client, office: User, full_pupil: Pupil
) -> None:
    request = ExtraParentRequestFactory(pupil=full_pupil)
    done = decide(
        office_client, "refuse", [request], confirm="yes", reason="Not known to the school."
    )
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == ExtraParentRequest.Status.REFUSED
    assert request.decision_reason == "Not known to the school."
    entry = AuditEntry.objects.get(action=AuditAction.EXTRA_REQUEST_REFUSED)
    assert entry.actor == office
    assert entry.subject_id == str(request.pk)
    assert entry.details["reason"] == "Not known to the school."
    assert not ParentLink.objects.filter(parent=request.parent).exists()


def test_R3_approving_with_a_reason_links_and_audits_both(
    office_client: Client, full_pupil: Pupil
) -> None:
    request = ExtraParentRequestFactory(pupil=full_pupil)
    decide(office_client, "approve", [request], confirm="yes", reason="Court order seen.")
    request.refresh_from_db()
    assert request.status == ExtraParentRequest.Status.APPROVED
    assert ParentLink.objects.filter(pupil=full_pupil).count() == 3
    approved = AuditEntry.objects.get(action=AuditAction.EXTRA_REQUEST_APPROVED)
    assert approved.details["reason"] == "Court order seen."
    assert AuditEntry.objects.get(action=AuditAction.LINK_CREATED).details["request"] == request.pk


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "This field is required."),
        ("x" * 10_000, "Keep the reason to 500 characters at most (it has 10000)."),
    ],
)
def test_R3_a_missing_or_huge_reason_is_refused_and_nothing_changes(
    office_client: Client, full_pupil: Pupil, reason: str, message: str
) -> None:
    request = ExtraParentRequestFactory(pupil=full_pupil)
    page = decide(office_client, "refuse", [request], confirm="yes", reason=reason)
    assert page.status_code == 200
    assert message in page.content.decode()
    request.refresh_from_db()
    assert request.status == ExtraParentRequest.Status.PENDING
    assert not AuditEntry.objects.filter(action=AuditAction.EXTRA_REQUEST_REFUSED).exists()


def test_R3_a_request_already_decided_is_not_decided_again(
    office: User, full_pupil: Pupil
) -> None:
    request = ExtraParentRequestFactory(pupil=full_pupil)
    extra_parent_request_decide(acting_user=office, request=request, approve=False, reason="No.")
    with pytest.raises(ValidationError) as again:
        extra_parent_request_decide(acting_user=OfficeFactory(), request=request, approve=True)
    assert again.value.messages == [str(ALREADY_DECIDED)]
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (ExtraParentRequest.Status.REFUSED, office)
    assert not ParentLink.objects.filter(parent=request.parent).exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_R3_two_office_staff_deciding_at_once_make_one_decision(
    school: Any, school_class: SchoolClass
) -> None:
    if not connection.features.has_select_for_update:
        pytest.skip("needs PostgreSQL: threads cannot share SQLite's in-memory test database")
    pupil = PupilFactory(school_class=school_class)
    ParentLinkFactory.create_batch(2, pupil=pupil)
    request = ExtraParentRequestFactory(pupil=pupil)
    staff = [OfficeFactory(), OfficeFactory()]
    start = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def approve(person: User) -> None:
        try:
            start.wait()
            extra_parent_request_decide(
                acting_user=person, request=request, approve=True, reason="Seen in person."
            )
            outcomes.append("decided")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(person,)) for person in staff]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(outcomes) == sorted(["decided", str(ALREADY_DECIDED)])
    assert ParentLink.objects.filter(pupil=pupil).count() == 3
    assert AuditEntry.objects.filter(action=AuditAction.EXTRA_REQUEST_APPROVED).count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.LINK_CREATED).count() == 1


def test_R5_reinstating_asks_for_a_reason_and_audits_it(school: Any) -> None:
    leader = LeaderFactory(first_name="Helen", last_name="Ward")
    with_totp(leader)
    client = client_for(leader)
    parent = ParentFactory()
    account_suspend(acting_user=leader, user=parent, reason="Abusive messages.")
    page = decide(client, "reinstate", [parent], url=USERS_URL)
    assert "Reinstate accounts" in page.content.decode()
    parent.refresh_from_db()
    assert parent.is_suspended
    decide(client, "reinstate", [parent], url=USERS_URL, confirm="yes", reason="Apology met.")
    parent.refresh_from_db()
    assert not parent.is_suspended
    entry = AuditEntry.objects.get(action=AuditAction.UNSUSPENDED)
    assert entry.details["reason"] == "Apology met."


def test_R28_the_audit_log_names_the_person_and_their_role_then(
    office: User, full_pupil: Pupil
) -> None:
    leader = LeaderFactory(first_name="Helen", last_name="Ward")
    with_totp(leader)
    request = ExtraParentRequestFactory(pupil=full_pupil)
    extra_parent_request_decide(acting_user=office, request=request, approve=False, reason="No.")
    html = client_for(leader).get(AUDIT_URL).content.decode()
    assert '<td class="field-by">Sarah Bennett (Office staff)</td>' in html
    assert f"office #{office.pk}" not in html.split('id="result_list"')[1]
