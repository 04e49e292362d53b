"""R28: office staff and leaders run an export for any adult from the admin, with the date the
request was received; the list shows the one-month deadline and flags overdue requests; the
office downloads the ZIP from the admin, permission-checked and recorded in the audit log."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from audit.models import AuditEntry
from privacy.models import DataExport, ExportStatus
from privacy.services.export import NOT_AN_ADULT, export_build, export_request
from tests.conftest import client_for
from tests.factories import (
    LeaderFactory,
    OfficeFactory,
    ParentFactory,
    PupilFactory,
    TeacherFactory,
    give_picture_code,
    with_totp,
)
from tests.responses import streamed_bytes

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:privacy_dataexport_changelist"
RUN = "admin:privacy_dataexport_run"


@pytest.fixture(autouse=True)
def _own_media_root(tmp_path: Path, settings) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def office(school) -> User:
    office = OfficeFactory(first_name="Olive", last_name="Office")
    with_totp(office)
    return office


def run(client, subject: User, received: dt.date):
    return client.post(reverse(RUN), {"subject": subject.pk, "requested_on": received.isoformat()})


def test_R28_office_runs_an_export_with_the_date_the_request_was_received(
    office, django_capture_on_commit_callbacks
) -> None:
    parent = ParentFactory(first_name="Ada", last_name="Lovelace")
    client = client_for(office)
    changelist = client.get(reverse(CHANGELIST)).content.decode()
    assert reverse(RUN) in changelist and "Run a data export" in changelist
    assert client.get(reverse(RUN)).status_code == 200

    received = timezone.localdate() - dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = run(client, parent, received)

    assert response.status_code == 302 and response["Location"] == reverse(CHANGELIST)
    export = DataExport.objects.get()
    assert (export.subject, export.requested_by, export.requested_on) == (parent, office, received)
    assert export.status == ExportStatus.READY
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "The export of Ada Lovelace is being built." in page
    assert date_format(export.deadline) in page and "(overdue)" not in page
    entry = AuditEntry.objects.get(action="export_requested")
    assert (entry.actor, entry.subject_id) == (office, str(parent.pk))
    assert entry.details["received"] == received.isoformat()


def test_R28_leaders_run_exports_too(school) -> None:
    leader = LeaderFactory()
    with_totp(leader)
    teacher = TeacherFactory()

    run(client_for(leader), teacher, timezone.localdate())

    assert DataExport.objects.get().subject == teacher


def test_a_request_date_in_the_future_is_refused_and_nothing_is_made(office) -> None:
    parent = ParentFactory()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    response = run(client_for(office), parent, tomorrow)

    assert response.status_code == 200
    assert (
        "The date the request was received cannot be in the future." in response.content.decode()
    )
    assert not DataExport.objects.exists() and not AuditEntry.objects.exists()


def test_a_pupil_cannot_be_chosen(office) -> None:
    pupil = PupilFactory()
    give_picture_code(pupil)

    response = run(client_for(office), pupil.user, timezone.localdate())

    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not DataExport.objects.exists()


def test_R28_the_list_shows_the_deadline_and_flags_overdue_requests(office) -> None:
    late = export_request(
        acting_user=office,
        subject=ParentFactory(last_name="Late"),
        requested_on=timezone.localdate() - dt.timedelta(days=40),
    )
    on_time = export_request(
        acting_user=office,
        subject=ParentFactory(last_name="Fresh"),
        requested_on=timezone.localdate(),
    )
    client = client_for(office)

    page = client.get(reverse(CHANGELIST)).content.decode()
    overdue = client.get(reverse(CHANGELIST), {"overdue": "yes"}).content.decode()

    assert late.is_overdue and not on_time.is_overdue
    assert page.count("(overdue)</strong>") == 1
    assert "Late" in overdue and "Fresh" not in overdue


def test_R28_office_downloads_from_the_admin_and_it_is_audited(office) -> None:
    parent = ParentFactory()
    export = export_request(acting_user=office, subject=parent)
    url = reverse("admin:privacy_dataexport_download", args=[export.pk])
    client = client_for(office)

    not_yet = client.get(url)
    export_build(export.pk)
    response = client.get(url)

    assert not_yet.status_code == 302 and not_yet["Location"] == reverse(CHANGELIST)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(streamed_bytes(response)))
    assert "profile.json" in archive.namelist()
    entry = AuditEntry.objects.get(action="export_downloaded")
    assert (entry.actor, entry.subject_id) == (office, str(parent.pk))
    assert url in client.get(reverse(CHANGELIST)).content.decode()


def test_nobody_else_runs_or_downloads_exports_in_the_admin(office, teacher) -> None:
    export = export_request(acting_user=office, subject=ParentFactory())
    export_build(export.pk)
    parent = ParentFactory()
    untrusted = OfficeFactory()  # no two-factor yet

    for user in (teacher, parent, untrusted):
        client = client_for(user, two_factor=user is not untrusted)
        assert run(client, parent, timezone.localdate()).status_code == 302
        download = client.get(reverse("admin:privacy_dataexport_download", args=[export.pk]))
        assert download.status_code == 302
    assert DataExport.objects.count() == 1
    assert not AuditEntry.objects.filter(action="export_downloaded").exists()


def test_exports_are_never_added_changed_or_deleted_in_the_admin(office) -> None:
    export = export_request(acting_user=office, subject=ParentFactory())
    client = client_for(office)

    assert client.get(reverse("admin:privacy_dataexport_add")).status_code == 403
    assert (
        client.get(reverse("admin:privacy_dataexport_delete", args=[export.pk])).status_code == 403
    )
    page = client.get(reverse("admin:privacy_dataexport_change", args=[export.pk]))
    assert page.status_code == 200 and 'name="status"' not in page.content.decode()


def _count(client) -> int:
    client.get(reverse(CHANGELIST))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse(CHANGELIST)).status_code == 200
    return len([q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]])


def test_the_admin_list_costs_the_same_for_one_export_or_many(office) -> None:
    client = client_for(office)
    export_build(export_request(acting_user=office, subject=ParentFactory()).pk)
    small = _count(client)
    for _ in range(8):
        export_request(acting_user=office, subject=ParentFactory())

    assert _count(client) == small


def test_only_the_office_exports_someone_else_and_never_a_pupil(office, teacher) -> None:
    pupil = PupilFactory()
    give_picture_code(pupil)
    parent = ParentFactory()

    with pytest.raises(ValidationError) as refused:
        export_request(acting_user=office, subject=pupil.user)
    with pytest.raises(PermissionDenied):
        export_request(acting_user=teacher, subject=parent)

    assert refused.value.message_dict == {"subject": [str(NOT_AN_ADULT)]}
    assert not DataExport.objects.exists() and not AuditEntry.objects.exists()
