"""Admin changes to people are in the audit log (R28): adding, changing or deleting an account,
a pupil, a parent–pupil link or a consent record in the Django admin, whichever admin page does
it, one at a time or in bulk, with who, what and from where, and no child's name."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ParentLink, User
from audit import AuditAction
from audit.models import AuditEntry
from audit.services import audit_log_prune
from classes.models import Pupil, SchoolClass
from tests.conftest import client_for
from tests.factories import (
    OfficeFactory,
    ParentFactory,
    ParentLinkFactory,
    PupilFactory,
    with_totp,
)

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.23"


class FormReader(HTMLParser):
    """The values a browser would send for the page's main form, as the admin rendered it."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        name = attr.get("name", "")
        if tag == "input" and name and attr.get("type") not in {"submit", "button", "file"}:
            checkable = attr.get("type") in {"checkbox", "radio"}
            if checkable and "checked" not in attr:
                return
            self.data.setdefault(name, []).append(attr.get("value", "on" if checkable else ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attr:
            self.data[self._select].append(attr.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] = [self.data[self._textarea][0] + data]


def form_of(client: Client, url: str, **changes: Any) -> dict[str, Any]:
    """The form at ``url`` as shown, with ``changes`` made, ready to post."""
    response = client.get(url)
    assert response.status_code == 200
    reader = FormReader()
    reader.feed(response.content.decode())
    data: dict[str, Any] = {k: v if len(v) != 1 else v[0] for k, v in reader.data.items()}
    data.pop("csrfmiddlewaretoken", None)
    data.update(changes)
    return data


@pytest.fixture
def office(school: Any) -> User:
    office = OfficeFactory()
    with_totp(office)
    return office


@pytest.fixture
def office_client(office: User) -> Client:
    client = client_for(office)
    client.defaults["REMOTE_ADDR"] = ADDRESS
    return client


@pytest.fixture
def maya(school_class: SchoolClass) -> Pupil:
    return PupilFactory(school_class=school_class, first_name="Maya", surname="Lindqvist")


def only_entry(**filters: Any) -> AuditEntry:
    return AuditEntry.objects.get(**filters)


def assert_no_names(entry: AuditEntry, *names: str) -> None:
    text = f"{entry.subject_label} {entry.actor_label} {entry.details}"
    for name in names:
        assert name not in text


def test_R28_office_changing_a_pupil_is_recorded_without_the_childs_name(
    office: User, office_client: Client, maya: Pupil
) -> None:
    url = reverse("admin:classes_pupil_change", args=[maya.pk])
    response = office_client.post(url, form_of(office_client, url, surname="Lindqvist-Berg"))
    assert response.status_code == 302
    entry = only_entry(action=AuditAction.ADMIN_CHANGED)
    assert entry.actor == office
    assert (entry.subject_type, entry.subject_id) == ("classes.pupil", str(maya.pk))
    assert entry.subject_label == f"pupil #{maya.pk}"
    assert entry.client_address == ADDRESS
    assert entry.details == {
        "via": "admin",
        "changes": [{"verb": "changed", "fields": ["Surname"]}],
    }
    assert_no_names(entry, "Maya", "Lindqvist")


def test_R28_office_adding_a_pupil_is_recorded(
    office: User, office_client: Client, school_class: SchoolClass
) -> None:
    url = reverse("admin:classes_pupil_add")
    data = form_of(
        office_client,
        url,
        first_name="Leo",
        surname="Fairbairn",
        date_of_birth="03/02/2019",
        school_class=str(school_class.pk),
    )
    assert office_client.post(url, data).status_code == 302
    leo = Pupil.objects.get(first_name="Leo")
    entry = only_entry(action=AuditAction.ADMIN_ADDED)
    assert (entry.actor, entry.subject_id, entry.client_address) == (office, str(leo.pk), ADDRESS)
    assert_no_names(entry, "Leo", "Fairbairn")


def test_R28_office_deleting_a_pupil_is_recorded(
    office: User, office_client: Client, maya: Pupil
) -> None:
    url = reverse("admin:classes_pupil_delete", args=[maya.pk])
    assert office_client.post(url, {"post": "yes"}).status_code == 302
    assert not Pupil.objects.filter(pk=maya.pk).exists()
    entry = only_entry(action=AuditAction.ADMIN_DELETED)
    assert (entry.actor, entry.subject_type, entry.subject_id) == (
        office,
        "classes.pupil",
        str(maya.pk),
    )
    assert entry.subject_label == f"pupil #{maya.pk}"
    assert entry.client_address == ADDRESS


def test_R28_a_bulk_delete_records_each_record(office: User, office_client: Client) -> None:
    """Accounts have no plain delete in the admin (the data-protection service deletes them);
    pupils do, and a bulk delete records each one."""
    pupils = PupilFactory.create_batch(3)
    response = office_client.post(
        reverse("admin:classes_pupil_changelist"),
        {"action": "delete_selected", "_selected_action": [p.pk for p in pupils], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Pupil.objects.filter(pk__in=[p.pk for p in pupils]).exists()
    entries = AuditEntry.objects.filter(action=AuditAction.ADMIN_DELETED)
    assert sorted(e.subject_id for e in entries) == sorted(str(p.pk) for p in pupils)
    assert {(e.actor_id, e.client_address, e.subject_type) for e in entries} == {
        (office.pk, ADDRESS, "classes.pupil")
    }


def test_R28_office_changing_an_account_is_recorded(office: User, office_client: Client) -> None:
    parent = ParentFactory(first_name="Robin", last_name="Ashdown")
    url = reverse("admin:accounts_user_change", args=[parent.pk])
    response = office_client.post(url, form_of(office_client, url, last_name="Ashdown-Kerr"))
    assert response.status_code == 302
    entry = only_entry(action=AuditAction.ADMIN_CHANGED)
    assert (entry.actor, entry.subject_type) == (office, "accounts.user")
    assert entry.subject_label == f"parent #{parent.pk}"
    assert entry.details["changes"] == [{"verb": "changed", "fields": ["Last name"]}]
    assert_no_names(entry, "Robin", "Ashdown")


def test_R28_linking_a_parent_in_the_admin_is_a_link_change(
    office: User, office_client: Client, maya: Pupil
) -> None:
    parent = ParentFactory()
    url = reverse("admin:accounts_parentlink_add")
    data = form_of(office_client, url, parent=str(parent.pk), pupil=str(maya.pk))
    assert office_client.post(url, data).status_code == 302
    link = ParentLink.objects.get()
    entry = only_entry(action=AuditAction.LINK_CREATED)
    assert (entry.actor, entry.subject_type, entry.subject_id) == (
        office,
        "accounts.parentlink",
        str(link.pk),
    )
    assert entry.client_address == ADDRESS
    assert_no_names(entry, "Maya", "Lindqvist")


def test_R28_unlinking_a_parent_in_the_admin_is_a_link_change(
    office: User, office_client: Client, maya: Pupil
) -> None:
    link = ParentLinkFactory(pupil=maya)
    url = reverse("admin:accounts_parentlink_delete", args=[link.pk])
    assert office_client.post(url, {"post": "yes"}).status_code == 302
    entry = only_entry(action=AuditAction.LINK_REMOVED)
    assert (entry.actor, entry.subject_id, entry.client_address) == (
        office,
        str(link.pk),
        ADDRESS,
    )


def test_R28_a_link_removed_on_the_pupils_page_is_recorded_without_names(
    office: User, office_client: Client, maya: Pupil
) -> None:
    link = ParentLinkFactory(pupil=maya)
    url = reverse("admin:classes_pupil_change", args=[maya.pk])
    data = form_of(office_client, url, **{"parent_links-0-DELETE": "on"})
    assert office_client.post(url, data).status_code == 302
    assert not ParentLink.objects.filter(pk=link.pk).exists()
    entry = only_entry(action=AuditAction.ADMIN_CHANGED)
    assert entry.subject_id == str(maya.pk)
    assert entry.details["changes"] == [{"verb": "deleted", "name": "parent link"}]
    assert_no_names(entry, "Maya", "Lindqvist", link.parent.last_name)


def test_R28_changes_to_records_that_are_not_about_people_are_not_logged(
    office_client: Client, school: Any
) -> None:
    """The school's own settings (its name, hours, contacts) are neither people nor its
    organisation (classes, staff and cover are: tests/audit/test_audit_school_changes.py)."""
    url = reverse("admin:classes_school_change", args=[school.pk])
    response = office_client.post(url, form_of(office_client, url, office_phone="01302 000000"))
    assert response.status_code == 302
    assert not AuditEntry.objects.exists()


def test_R28_an_admin_form_refused_for_bad_input_records_nothing(
    office_client: Client, maya: Pupil
) -> None:
    url = reverse("admin:classes_pupil_change", args=[maya.pk])
    response = office_client.post(url, form_of(office_client, url, date_of_birth="31/02/2019"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not AuditEntry.objects.exists()


# The admin's own history keeps no name longer than its record --------------------------------


def test_R28_a_deleted_pupils_name_leaves_the_admins_history_and_the_audit_entry_stays(
    office_client: Client, maya: Pupil, school_class: SchoolClass
) -> None:
    leo = PupilFactory(school_class=school_class, first_name="Leo", surname="Fairbairn")
    link = ParentLinkFactory(pupil=maya)
    for pupil in (maya, leo):
        url = reverse("admin:classes_pupil_change", args=[pupil.pk])
        office_client.post(url, form_of(office_client, url, leaving_date="20/07/2026"))
    link_url = reverse("admin:accounts_parentlink_change", args=[link.pk])
    office_client.post(link_url, form_of(office_client, link_url))
    assert LogEntry.objects.filter(object_repr__contains="Lindqvist").count() == 2

    maya_id = maya.pk
    maya.delete()  # as the retention job erases a leaver: the link goes with her

    assert not LogEntry.objects.filter(object_repr__contains="Lindqvist").exists()
    assert LogEntry.objects.filter(object_repr__contains="Fairbairn").count() == 1
    assert AuditEntry.objects.filter(subject_id=str(maya_id), subject_type="classes.pupil")
    assert AuditEntry.objects.count() == 2 + 1  # two pupils changed, one link changed


def test_R28_admin_history_older_than_the_retention_period_is_pruned(
    settings: Any, office: User, office_client: Client, maya: Pupil
) -> None:
    settings.AUDIT_RETENTION_DAYS = 30
    url = reverse("admin:classes_pupil_change", args=[maya.pk])
    office_client.post(url, form_of(office_client, url, surname="Berg"))
    LogEntry.objects.update(action_time=timezone.now() - dt.timedelta(days=31))
    recent = LogEntry.objects.create(
        user=office, object_id="1", object_repr="recent", action_flag=2, change_message="[]"
    )

    assert audit_log_prune() == 1

    assert list(LogEntry.objects.all()) == [recent]
    run = AuditEntry.objects.get(action=AuditAction.RETENTION_RUN)
    assert (run.details["audit_entries"], run.details["admin_history"]) == (0, 1)
