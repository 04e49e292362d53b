"""The audit log itself (R28): what an entry holds, that nothing can change or delete one, the
client address it carries, and the admin page where leaders read it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services.suspensions import account_suspend
from audit import AuditAction, audit_record, audit_record_many
from audit.context import RequestAddressMiddleware, serving_address
from audit.models import AuditEntry, AuditLogIsAppendOnly
from audit.tasks import prune_audit_log
from tests.clock import at
from tests.conftest import client_for
from tests.factories import (
    InviteCodeFactory,
    LeaderFactory,
    OfficeFactory,
    ParentFactory,
    PupilFactory,
    TeacherFactory,
    UserFactory,
    with_totp,
)

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"
LIST_URL = reverse("admin:audit_auditentry_changelist")


@pytest.fixture
def leader(school: Any) -> User:
    leader = LeaderFactory()
    with_totp(leader)
    return leader


@pytest.fixture
def office(school: Any) -> User:
    office = OfficeFactory()
    with_totp(office)
    return office


def request_from(address: str, **meta: str) -> Any:
    request = RequestFactory().get("/")
    request.META.update(REMOTE_ADDR=address, **meta)
    return request


# What an entry holds -------------------------------------------------------------------------


def test_R28_entry_says_who_what_which_record_and_from_where(school_class: Any) -> None:
    office = OfficeFactory()
    pupil = PupilFactory(school_class=school_class, first_name="Maya", surname="Lindqvist")

    entry = audit_record(
        AuditAction.PUPIL_LEFT,
        actor=office,
        subject=pupil,
        details={"leaving_date": "2027-07-21"},
        request=request_from(ADDRESS),
    )

    stored = AuditEntry.objects.get()
    assert stored == entry
    assert stored.actor == office
    assert stored.actor_label == f"office #{office.pk}"
    assert stored.action == AuditAction.PUPIL_LEFT
    assert (stored.subject_type, stored.subject_id) == ("classes.pupil", str(pupil.pk))
    assert stored.subject_label == f"pupil #{pupil.pk}"
    assert stored.details == {"leaving_date": "2027-07-21"}
    assert stored.client_address == ADDRESS
    assert "Lindqvist" not in str(stored) and "Maya" not in str(stored)


def test_R28_a_person_as_subject_is_labelled_by_role_and_id_not_name() -> None:
    parent = ParentFactory(first_name="Robin", last_name="Ashdown")
    entry = audit_record(AuditAction.ACCOUNT_DELETED, actor=parent, subject=parent)
    assert entry.subject_type == "accounts.user"
    assert entry.subject_label == f"parent #{parent.pk}"
    assert entry.actor_label == f"parent #{parent.pk}"


def test_R28_the_system_acts_without_an_actor_or_an_address() -> None:
    entry = audit_record(AuditAction.RETENTION_RUN, actor=None, details={"pupils": 3})
    assert entry.actor is None
    assert entry.actor_label == "system"
    assert entry.client_address is None
    assert (entry.subject_type, entry.subject_id, entry.subject_label) == ("", "", "")


def test_R28_the_label_outlives_the_actors_account() -> None:
    office = OfficeFactory()
    entry = audit_record(AuditAction.INVITE_REVOKED, actor=office, subject=InviteCodeFactory())
    office.delete()
    entry.refresh_from_db()
    assert entry.actor is None
    assert entry.actor_label == f"office #{entry.actor_label.split('#')[1]}"
    assert AuditEntry.objects.count() == 1


def test_R28_many_records_are_logged_in_one_insert(
    school_class: Any, django_assert_num_queries: Any
) -> None:
    office = OfficeFactory()
    invites = [InviteCodeFactory(pupil=PupilFactory(school_class=school_class)) for _i in range(5)]

    with django_assert_num_queries(1):
        entries = audit_record_many(
            AuditAction.INVITE_CREATED,
            actor=office,
            subjects=invites,
            details={"batch": True},
            details_of=lambda invite: {"pupil": invite.pupil_id},
        )

    assert [e.subject_id for e in entries] == [str(i.pk) for i in invites]
    stored = AuditEntry.objects.order_by("pk")
    assert [e.details for e in stored] == [{"batch": True, "pupil": i.pupil_id} for i in invites]


def test_R28_an_unknown_action_is_refused_and_nothing_written() -> None:
    with pytest.raises(ValueError, match="shredded_everything"):
        audit_record("shredded_everything", actor=None)  # type: ignore[arg-type]
    assert not AuditEntry.objects.exists()


# Append-only ---------------------------------------------------------------------------------


@pytest.fixture
def entry() -> AuditEntry:
    return audit_record(AuditAction.RETENTION_RUN, actor=None, details={"pupils": 1})


def test_R28_a_stored_entry_cannot_be_saved_again(entry: AuditEntry) -> None:
    entry.details = {"pupils": 0}
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    assert AuditEntry.objects.get().details == {"pupils": 1}


def test_R28_an_entry_cannot_be_deleted(entry: AuditEntry) -> None:
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(details={})
    assert AuditEntry.objects.get().details == {"pupils": 1}


def test_R28_a_new_entry_with_a_stored_id_does_not_overwrite_it(entry: AuditEntry) -> None:
    forged = AuditEntry(pk=entry.pk, actor_label="office #1", action=AuditAction.SUSPENDED)
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()
    assert AuditEntry.objects.get().action == AuditAction.RETENTION_RUN


def test_R28_an_action_rolled_back_leaves_no_entry() -> None:
    leader, parent = LeaderFactory(), ParentFactory()

    def suspend_then_fail() -> None:
        with transaction.atomic():
            account_suspend(acting_user=leader, user=parent, reason="Abuse")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        suspend_then_fail()
    assert not AuditEntry.objects.exists()


# The client's address ------------------------------------------------------------------------


def test_R28_the_address_of_the_request_being_served_is_used() -> None:
    entries: list[AuditEntry] = []

    def view(request: Any) -> HttpResponse:
        entries.append(audit_record(AuditAction.EXPORT_REQUESTED, actor=None))
        return HttpResponse()

    RequestAddressMiddleware(view)(request_from(ADDRESS))

    assert entries[0].client_address == ADDRESS
    # After the request, nothing carries over to work done outside one.
    assert audit_record(AuditAction.RETENTION_RUN, actor=None).client_address is None


def test_R28_x_real_ip_is_used_only_when_the_server_is_told_to_trust_it(settings: Any) -> None:
    request = request_from("10.0.0.2", HTTP_X_REAL_IP=ADDRESS)
    settings.TRUST_X_REAL_IP = False
    assert (
        audit_record(AuditAction.EXPORT_REQUESTED, actor=None, request=request).client_address
        == "10.0.0.2"
    )
    settings.TRUST_X_REAL_IP = True
    assert (
        audit_record(AuditAction.EXPORT_REQUESTED, actor=None, request=request).client_address
        == ADDRESS
    )


def test_R28_a_malformed_address_is_left_empty_and_the_entry_still_written(
    settings: Any,
) -> None:
    settings.TRUST_X_REAL_IP = True
    request = request_from("10.0.0.2", HTTP_X_REAL_IP="not-an-address")
    entry = audit_record(AuditAction.EXPORT_REQUESTED, actor=None, request=request)
    assert entry.client_address is None
    assert AuditEntry.objects.count() == 1


def test_R28_ipv6_addresses_are_kept() -> None:
    with serving_address("2001:db8::7"):
        entry = audit_record(AuditAction.EXPORT_DOWNLOADED, actor=None)
    assert entry.client_address == "2001:db8::7"


def test_R28_middleware_is_installed_for_every_page(leader: User) -> None:
    client = client_for(leader)
    client.defaults["REMOTE_ADDR"] = ADDRESS
    parent = ParentFactory()
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "suspend", "_selected_action": [parent.pk], "reason": "Abusive messages"},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuditAction.SUSPENDED)
    assert entry.client_address == ADDRESS


# The admin: leaders read, nobody writes ------------------------------------------------------


def test_R28_leaders_list_the_log_in_the_admin(leader: User) -> None:
    parent = ParentFactory()
    audit_record(AuditAction.WARNING_GIVEN, actor=leader, subject=parent)
    response = client_for(leader).get(LIST_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"parent #{parent.pk}" in html
    assert "Formal warning given" in html
    assert 'value="delete_selected"' not in html
    assert reverse("admin:audit_auditentry_add") not in html


def test_R28_leaders_filter_the_log_by_action(leader: User) -> None:
    kept = audit_record(AuditAction.SUSPENDED, actor=leader, subject=ParentFactory())
    audit_record(AuditAction.RETENTION_RUN, actor=None)
    response = client_for(leader).get(LIST_URL, {"action__exact": "suspended"})
    assert list(response.context["cl"].result_list) == [kept]


def test_R28_superusers_read_the_log(school: Any) -> None:
    # An office account that is also a superuser (the school's technician, say).
    admin = OfficeFactory(is_superuser=True)
    with_totp(admin)
    assert client_for(admin).get(LIST_URL).status_code == 200


@pytest.mark.parametrize("factory", [OfficeFactory, TeacherFactory, ParentFactory])
def test_R28_nobody_else_reads_the_log(school: Any, factory: Any) -> None:
    user = factory()
    with_totp(user)
    response = client_for(user).get(LIST_URL)
    assert response.status_code in {302, 403}
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("admin:login"))
    index = client_for(user).get(reverse("admin:index"))
    assert LIST_URL not in index.content.decode()


def test_R28_the_admin_index_shows_the_log_to_leaders(leader: User) -> None:
    assert LIST_URL in client_for(leader).get(reverse("admin:index")).content.decode()


def test_R28_nobody_adds_changes_or_deletes_an_entry_in_the_admin(
    leader: User, entry: AuditEntry
) -> None:
    admin = UserFactory(role="leader", is_staff=True, is_superuser=True)
    with_totp(admin)
    for user in (leader, admin):
        client = client_for(user)
        change_url = reverse("admin:audit_auditentry_change", args=[entry.pk])
        assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
        page = client.get(change_url)
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        assert client.post(change_url, {"details": "{}"}).status_code == 403
        delete_url = reverse("admin:audit_auditentry_delete", args=[entry.pk])
        assert client.post(delete_url, {"post": "yes"}).status_code == 403
        bulk = client.post(
            LIST_URL, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
        )
        assert bulk.status_code in {200, 302}
    assert AuditEntry.objects.get().details == {"pupils": 1}


def _fill_log(count: int) -> None:
    parents = ParentFactory.create_batch(count)
    office = OfficeFactory()
    with serving_address(ADDRESS):
        audit_record_many(AuditAction.SUSPENDED, actor=office, subjects=parents)


def test_R28_the_log_page_reads_a_fixed_number_of_queries(
    leader: User, django_assert_num_queries: Any
) -> None:
    client = client_for(leader)
    _fill_log(3)
    client.get(LIST_URL)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST_URL).status_code == 200
    _fill_log(40)
    with django_assert_num_queries(len(few)):
        response = client.get(LIST_URL)
    assert response.content.decode().count(ADDRESS) == 43


# Retention of the log itself ----------------------------------------------------------------


def test_R28_entries_past_the_retention_period_are_deleted_by_the_nightly_job(
    settings: Any,
) -> None:
    settings.AUDIT_RETENTION_DAYS = 30
    now = timezone.now()
    with at(now - dt.timedelta(days=31)):
        old = audit_record(AuditAction.SUSPENDED, actor=None)
    with at(now - dt.timedelta(days=29)):
        kept = audit_record(AuditAction.UNSUSPENDED, actor=None)

    assert prune_audit_log.delay().get() == 1
    assert prune_audit_log.delay().get() == 0  # a second run finds nothing more

    remaining = list(AuditEntry.objects.order_by("pk"))
    assert old not in remaining and remaining[0] == kept
    run = AuditEntry.objects.get(action=AuditAction.RETENTION_RUN)
    assert run.details["audit_entries"] == 1
    assert len(remaining) == 2  # the kept entry and the record of the one run that deleted


def test_R28_the_audit_prune_job_is_scheduled_nightly(settings: Any) -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "audit.tasks.prune_audit_log" in tasks
    assert settings.AUDIT_RETENTION_DAYS == 6 * 365


def test_the_signed_in_user_of_a_request_can_be_the_subject(db: None) -> None:
    """Views pass ``request.user`` (a lazy object) as the subject: it is recorded as the user."""
    from django.utils.functional import SimpleLazyObject

    from tests.factories import ParentFactory

    parent = ParentFactory()
    entry = audit_record(
        AuditAction.EXPORT_REQUESTED,
        actor=parent,
        subject=SimpleLazyObject(lambda: parent),  # type: ignore[arg-type]
    )
    entry.refresh_from_db()
    assert (entry.subject_type, entry.subject_id) == ("accounts.user", str(parent.pk))
    assert entry.subject_label == f"parent #{parent.pk}"
