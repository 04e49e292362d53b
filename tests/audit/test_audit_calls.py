"""Consent changes, invite codes, links, warnings and suspensions are in the audit log (R28), each
with the person who acted, the action, the record and the address the request came from, made
through the pages that people use. A refused request leaves no entry."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ExtraParentRequest, InviteCode, ParentLink, User
from audit import AuditAction
from audit.models import AuditEntry
from classes.models import Pupil, SchoolClass
from consent.models import DataProcessingForm, MediaStatus
from messaging.models import ParentWarning
from messaging.moderation import message_flag
from messaging.services.messages import message_start
from tests.clock import at
from tests.conftest import client_for
from tests.factories import (
    ExtraParentRequestFactory,
    InviteCodeFactory,
    LeaderFactory,
    OfficeFactory,
    ParentFactory,
    ParentLinkFactory,
    PupilFactory,
    with_totp,
)

pytestmark = pytest.mark.django_db

ADDRESS = "192.0.2.44"
FORM_DATE = dt.date(2026, 9, 3)
TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


def from_address(client: Client) -> Client:
    client.defaults["REMOTE_ADDR"] = ADDRESS
    return client


@pytest.fixture
def office(school: Any) -> User:
    office = OfficeFactory()
    with_totp(office)
    return office


@pytest.fixture
def leader(school: Any) -> User:
    leader = LeaderFactory()
    with_totp(leader)
    return leader


@pytest.fixture
def office_client(office: User) -> Client:
    return from_address(client_for(office))


@pytest.fixture
def maya(school_class: SchoolClass) -> Pupil:
    return PupilFactory(
        school_class=school_class, first_name="Maya", surname="Lindqvist", date_of_birth=DOB
    )


DOB = date(2018, 5, 17)


def assert_entry(
    entry: AuditEntry, *, actor: User, action: str, subject_type: str, subject_id: object
) -> None:
    assert entry.actor == actor
    assert entry.actor_label == f"{actor.role} #{actor.pk}"
    assert entry.action == action
    assert (entry.subject_type, entry.subject_id) == (subject_type, str(subject_id))
    assert entry.client_address == ADDRESS


def run_action(client: Client, url: str, action: str, objects: list[Any], **extra: Any) -> Any:
    data = {"action": action, "_selected_action": [o.pk for o in objects], **extra}
    return client.post(url, data)


# Consent (R11, R14) --------------------------------------------------------------------------


def consent_url(pupil: Pupil) -> str:
    return reverse("admin:consent_consentpupil_change", args=[pupil.pk])


def test_R28_media_consent_recorded_by_the_office_is_audited(
    office: User, office_client: Client, maya: Pupil
) -> None:
    response = office_client.post(
        consent_url(maya),
        {"status": MediaStatus.GRANTED, "form_date": FORM_DATE.isoformat(), "evidence": "Form"},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get()
    assert_entry(
        entry,
        actor=office,
        action=AuditAction.CONSENT_CHANGED,
        subject_type="classes.pupil",
        subject_id=maya.pk,
    )
    assert entry.subject_label == f"pupil #{maya.pk}"
    assert entry.details == {"consent": "media", "status": ["", "granted"]}


def test_R28_consent_refused_for_bad_input_leaves_no_entry(
    office_client: Client, maya: Pupil
) -> None:
    response = office_client.post(
        consent_url(maya), {"status": MediaStatus.GRANTED, "form_date": "", "evidence": ""}
    )
    assert response.status_code == 200
    assert not AuditEntry.objects.exists()


def test_R28_consent_withdrawn_for_a_class_is_audited_for_each_pupil(
    office: User, office_client: Client, school_class: SchoolClass
) -> None:
    pupils = PupilFactory.create_batch(3, school_class=school_class)
    changelist = reverse("admin:consent_consentpupil_changelist")
    run_action(
        office_client,
        changelist,
        "record_granted",
        pupils,
        confirm="yes",
        form_date=FORM_DATE.isoformat(),
        evidence="",
    )
    # The grants are entries too; the withdrawal is what is checked here.
    granted = set(AuditEntry.objects.values_list("pk", flat=True))

    done = run_action(
        office_client, changelist, "record_withdrawn", pupils, confirm="yes", evidence="Letter"
    )

    assert done.status_code == 302
    withdrawn = AuditEntry.objects.exclude(pk__in=granted)
    assert sorted(e.subject_id for e in withdrawn) == sorted(str(p.pk) for p in pupils)
    for entry in withdrawn:
        assert entry.details["status"] == ["granted", "withdrawn"]
        assert (entry.actor, entry.client_address) == (office, ADDRESS)


def test_R28_nothing_changed_means_nothing_audited(
    office_client: Client, school_class: SchoolClass
) -> None:
    pupils = PupilFactory.create_batch(2, school_class=school_class)
    changelist = reverse("admin:consent_consentpupil_changelist")
    run_action(office_client, changelist, "clear_looked_after", pupils)
    assert not AuditEntry.objects.exists()


def test_R28_looked_after_status_is_audited(
    office: User, office_client: Client, maya: Pupil
) -> None:
    changelist = reverse("admin:consent_consentpupil_changelist")
    assert run_action(office_client, changelist, "mark_looked_after", [maya]).status_code == 302
    entry = AuditEntry.objects.get()
    assert_entry(
        entry,
        actor=office,
        action=AuditAction.CONSENT_CHANGED,
        subject_type="classes.pupil",
        subject_id=maya.pk,
    )
    # Safeguarding information is an entry of its own kind, told apart from media consent.
    assert entry.details == {"consent": "looked_after", "looked_after": [False, True]}


def test_R28_a_parents_data_processing_consent_is_audited_once(maya: Pupil) -> None:
    form = DataProcessingForm.objects.create(version=3, title="Your data", body="We keep it.")
    parent = ParentLinkFactory(pupil=maya).parent
    client = from_address(client_for(parent))

    response = client.post("/consent/data-processing/", {"version": 3, "children": [maya.pk]})
    client.post("/consent/data-processing/", {"version": 3, "children": [maya.pk]})

    assert response.status_code == 302
    entry = AuditEntry.objects.get()
    assert_entry(
        entry,
        actor=parent,
        action=AuditAction.CONSENT_CHANGED,
        subject_type="classes.pupil",
        subject_id=maya.pk,
    )
    assert entry.details == {
        "consent": "data_processing",
        "form_version": form.version,
        "agreed": True,
    }


# Invite codes and links (R1, R2, R3) ---------------------------------------------------------


def test_R28_invite_codes_made_for_letters_are_audited(
    office: User, office_client: Client, school_class: SchoolClass, maya: Pupil
) -> None:
    leo = PupilFactory(school_class=school_class, first_name="Leo")
    response = run_action(
        office_client,
        reverse("admin:classes_pupil_changelist"),
        "generate_invite_letters",
        [maya, leo],
    )
    assert response.status_code == 200
    entries = AuditEntry.objects.filter(action=AuditAction.INVITE_CREATED)
    invites = InviteCode.objects.all()
    assert len(entries) == len(invites) == 4
    assert sorted(e.subject_id for e in entries) == sorted(str(i.pk) for i in invites)
    by_invite = {str(i.pk): i.pupil_id for i in invites}
    for entry in entries:
        assert entry.details == {"pupil": by_invite[entry.subject_id]}
        assert (entry.actor, entry.client_address) == (office, ADDRESS)
        assert entry.subject_type == "accounts.invitecode"


def test_R28_cancelling_a_code_is_audited_and_a_refused_cancel_is_not(
    office: User, office_client: Client, maya: Pupil
) -> None:
    unused = InviteCodeFactory(pupil=maya)
    used = InviteCodeFactory(pupil=maya, used_at=timezone.now(), used_by=ParentFactory())

    run_action(
        office_client, reverse("admin:accounts_invitecode_changelist"), "revoke", [unused, used]
    )

    entry = AuditEntry.objects.get()
    assert_entry(
        entry,
        actor=office,
        action=AuditAction.INVITE_REVOKED,
        subject_type="accounts.invitecode",
        subject_id=unused.pk,
    )
    assert entry.details == {"pupil": maya.pk}


def test_R28_a_new_parent_joining_with_a_code_is_an_audited_link(maya: Pupil) -> None:
    invite = InviteCodeFactory(pupil=maya, code="ABCDEFGHJKLM")
    client = from_address(Client())
    response = client.post(
        reverse("join"),
        {
            "code": "abcd-efgh-jklm",
            "dob_day": "17",
            "dob_month": "5",
            "dob_year": "2018",
            "first_name": "Robin",
            "last_name": "Ashdown",
            "email": "robin.ashdown@example.org",
            "password1": "plum-orchard-lantern-42",
            "password2": "plum-orchard-lantern-42",
            "preferred_language": "en-gb",
        },
    )
    assert response.status_code == 302
    parent = User.objects.get(email="robin.ashdown@example.org")
    link = ParentLink.objects.get(parent=parent)
    entry = AuditEntry.objects.get()
    assert_entry(
        entry,
        actor=parent,
        action=AuditAction.LINK_CREATED,
        subject_type="accounts.parentlink",
        subject_id=link.pk,
    )
    assert entry.details == {"pupil": maya.pk, "invite": invite.pk}
    assert "Robin" not in str(entry.details) and "Ashdown" not in entry.subject_label


def test_R28_a_wrong_code_links_nobody_and_is_not_audited(maya: Pupil) -> None:
    InviteCodeFactory(pupil=maya, code="ABCDEFGHJKLM")
    parent = ParentFactory()
    client = from_address(client_for(parent))
    client.post(
        reverse("join"),
        {"code": "ZZZZ-ZZZZ-ZZZZ", "dob_day": "17", "dob_month": "5", "dob_year": "2018"},
    )
    assert not ParentLink.objects.exists()
    assert not AuditEntry.objects.exists()


def test_R28_the_office_approving_a_third_carer_is_an_audited_link(
    office: User, office_client: Client, maya: Pupil
) -> None:
    ParentLinkFactory.create_batch(2, pupil=maya)
    request = ExtraParentRequestFactory(pupil=maya)
    url = reverse("admin:accounts_extraparentrequest_changelist")

    done = run_action(
        office_client, url, "approve", [request], confirm="yes", reason="Court order"
    )
    assert done.status_code == 302

    link = ParentLink.objects.get(parent=request.parent)
    entry = AuditEntry.objects.get(action=AuditAction.LINK_CREATED)
    assert_entry(
        entry,
        actor=office,
        action=AuditAction.LINK_CREATED,
        subject_type="accounts.parentlink",
        subject_id=link.pk,
    )
    assert entry.details == {
        "pupil": maya.pk,
        "parent": request.parent_id,
        "request": request.pk,
        "reason": "Court order",
    }


def test_R28_a_refused_request_makes_no_link_entry(office_client: Client, maya: Pupil) -> None:
    request = ExtraParentRequestFactory(pupil=maya)
    url = reverse("admin:accounts_extraparentrequest_changelist")
    run_action(office_client, url, "refuse", [request], confirm="yes", reason="Not known")
    request.refresh_from_db()
    assert request.status == ExtraParentRequest.Status.REFUSED
    assert not AuditEntry.objects.filter(action=AuditAction.LINK_CREATED).exists()
    refused = AuditEntry.objects.get(action=AuditAction.EXTRA_REQUEST_REFUSED)
    assert refused.details["reason"] == "Not known"


# Suspensions and warnings (R5, R23) ----------------------------------------------------------


def test_R28_suspending_and_reinstating_in_the_admin_are_audited(
    leader: User, maya: Pupil
) -> None:
    parent = ParentLinkFactory(pupil=maya).parent
    client = from_address(client_for(leader))
    users = reverse("admin:accounts_user_changelist")

    run_action(client, users, "suspend", [parent], reason="Abusive messages")
    run_action(client, users, "reinstate", [parent], confirm="yes", reason="Apology met")

    suspended, reinstated = AuditEntry.objects.order_by("pk")
    suspension = parent.suspensions.get()
    for entry, action in (
        (suspended, AuditAction.SUSPENDED),
        (reinstated, AuditAction.UNSUSPENDED),
    ):
        assert_entry(
            entry, actor=leader, action=action, subject_type="accounts.user", subject_id=parent.pk
        )
        assert entry.subject_label == f"parent #{parent.pk}"
    # The suspension's reason is the suspension's record (the parent is told it), not the
    # log's; a reinstatement has no record of its own, so the log keeps its reason.
    assert suspended.details == {"suspension": suspension.pk}
    assert "Abusive" not in str(suspended.details)
    assert reinstated.details == {"suspension": suspension.pk, "reason": "Apology met"}


def test_R28_a_suspension_without_a_reason_is_refused_and_not_audited(leader: User) -> None:
    parent = ParentFactory()
    client = from_address(client_for(leader))
    run_action(client, reverse("admin:accounts_user_changelist"), "suspend", [parent], reason=" ")
    parent.refresh_from_db()
    assert not parent.is_suspended
    assert not AuditEntry.objects.exists()


@pytest.fixture
def flagged(parent_with_child: Any, teacher: User) -> Any:
    parent, child = parent_with_child
    with at(TUESDAY_1000):
        rude = message_start(acting_user=parent, other=teacher, pupil=child, body="Useless")
    return message_flag(acting_user=teacher, message=rude)


def test_R28_a_formal_warning_is_audited(leader: User, flagged: Any) -> None:
    parent = flagged.message.thread.parent
    client = from_address(client_for(leader))

    response = client.post(
        reverse("messaging_decide", args=[flagged.pk]),
        {"action": "warn", "reason": "Please keep messages polite.", "confirm": "yes"},
    )

    assert response.status_code == 302
    entry = AuditEntry.objects.get()
    assert_entry(
        entry,
        actor=leader,
        action=AuditAction.WARNING_GIVEN,
        subject_type="accounts.user",
        subject_id=parent.pk,
    )
    warning = ParentWarning.objects.get(parent=parent)
    assert entry.details == {"warning": warning.pk, "flag": flagged.pk}


def test_R28_a_warning_without_a_reason_is_refused_and_not_audited(
    leader: User, flagged: Any
) -> None:
    client = from_address(client_for(leader))
    client.post(
        reverse("messaging_decide", args=[flagged.pk]),
        {"action": "warn", "reason": "  ", "confirm": "yes"},
    )
    assert not AuditEntry.objects.exists()
