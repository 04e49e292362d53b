"""Changes to the school's organisation made in the admin are in the audit log (issue 21, R28):
a class's staff and cover edited on its page, a cover on its own page, a closure; each with the
actor's name and role at the time, and what was added or changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from audit import AuditAction
from audit.models import AuditEntry
from classes.models import CoverAssignment, SchoolClass
from tests.audit.test_audit_admin_changes import form_of
from tests.conftest import client_for
from tests.factories import CoverAssignmentFactory, OfficeFactory, TeacherFactory, with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(school: Any) -> User:
    office = OfficeFactory(first_name="Dana", last_name="Okafor")
    with_totp(office)
    return office


@pytest.fixture
def office_client(office: User) -> Client:
    return client_for(office)


def test_R28_assigning_a_teacher_on_a_class_page_is_audited_with_who_and_as_what(
    office: User, office_client: Client, school_class: SchoolClass
) -> None:
    teacher = TeacherFactory(title="Mrs", last_name="Patel")
    teach = Permission.objects.get(codename="teach_class")
    url = reverse("admin:classes_schoolclass_change", args=[school_class.pk])
    data = form_of(
        office_client,
        url,
        **{
            "staff_permissions-0-user": str(teacher.pk),
            "staff_permissions-0-permission": str(teach.pk),
        },
    )
    assert office_client.post(url, data).status_code == 302
    entry = AuditEntry.objects.get(action=AuditAction.ADMIN_CHANGED)
    assert (entry.actor, entry.actor_role) == (office, Role.OFFICE)
    assert (entry.subject_type, entry.subject_id) == ("classes.schoolclass", str(school_class.pk))
    [change] = entry.details["changes"]
    assert change["verb"] == "added"
    assert "Mrs Patel" in str(change["object"])


def test_R28_moving_a_cover_is_audited_and_keeps_the_role_the_actor_had_then(
    office: User, office_client: Client, school_class: SchoolClass
) -> None:
    cover = CoverAssignmentFactory(school_class=school_class)
    url = reverse("admin:classes_coverassignment_change", args=[cover.pk])
    later = timezone.localtime(cover.ends_at + dt.timedelta(hours=1))
    data = form_of(
        office_client,
        url,
        ends_at_0=later.strftime("%d/%m/%Y"),
        ends_at_1=later.strftime("%H:%M:%S"),
    )
    assert office_client.post(url, data).status_code == 302
    cover.refresh_from_db()
    assert cover.ends_at == later.replace(microsecond=0)
    office.role = Role.LEADER
    office.save()
    entry = AuditEntry.objects.get(action=AuditAction.ADMIN_CHANGED)
    assert (entry.subject_type, entry.subject_id) == ("classes.coverassignment", str(cover.pk))
    assert entry.actor_role == Role.OFFICE
    assert entry.details["changes"] == [{"verb": "changed", "fields": ["Ends"]}]


def test_R28_deleting_a_cover_is_audited(office: User, office_client: Client) -> None:
    cover = CoverAssignmentFactory()
    url = reverse("admin:classes_coverassignment_delete", args=[cover.pk])
    assert office_client.post(url, {"post": "yes"}).status_code == 302
    assert not CoverAssignment.objects.filter(pk=cover.pk).exists()
    entry = AuditEntry.objects.get(action=AuditAction.ADMIN_DELETED)
    assert (entry.actor, entry.subject_type) == (office, "classes.coverassignment")


def test_R28_the_audit_log_names_the_office_member_who_changed_a_class(
    office: User, office_client: Client, school_class: SchoolClass
) -> None:
    url = reverse("admin:classes_schoolclass_change", args=[school_class.pk])
    assert office_client.post(url, form_of(office_client, url, name="Oak")).status_code == 302
    page = office_client.get(reverse("admin:audit_auditentry_changelist"))
    assert "Dana Okafor" in page.content.decode()
