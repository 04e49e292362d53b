"""R28: the "Download my data" pages. A parent or member of staff asks for a copy from their
account page, watches it being made (htmx polls every 2 seconds; without JavaScript the page
shows the same when reloaded) and downloads it. Another person's export is a 404; an expired
one is a clear page offering a new one; pupils have no such page."""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEntry
from privacy.models import DataExport, ExportStatus
from privacy.services.export import export_request, exports_expire
from tests.conftest import client_for, pupil_client_for
from tests.factories import (
    OfficeFactory,
    ParentLinkFactory,
    PupilFactory,
    TeacherFactory,
    give_picture_code,
)
from tests.responses import streamed_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media_root(tmp_path: Path, settings) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def parent(school, parent_with_child) -> User:
    return parent_with_child[0]


def ask(client, capture) -> Any:
    with capture(execute=True):
        return client.post(reverse("privacy_export"))


def status_url(export: DataExport) -> str:
    return reverse("privacy_export_status", args=[export.key])


def download_url(export: DataExport) -> str:
    return reverse("privacy_export_download", args=[export.key])


def test_R28_the_account_pages_link_to_download_my_data(school, parent, teacher) -> None:
    office = OfficeFactory()
    for user in (parent, teacher, office):
        page = client_for(user).get(reverse("home")).content.decode()
        assert f'href="{reverse("privacy_export")}"' in page and "Download my data" in page


def test_R28_a_parent_asks_and_downloads_a_copy(parent, django_capture_on_commit_callbacks):
    client = client_for(parent)
    assert "Make a copy of my data" in client.get(reverse("privacy_export")).content.decode()

    response = ask(client, django_capture_on_commit_callbacks)

    export = DataExport.objects.get(subject=parent)
    assert response.status_code == 302 and response["Location"] == status_url(export)
    page = client.get(status_url(export)).content.decode()
    assert "Your copy is ready." in page and download_url(export) in page
    download = client.get(download_url(export))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert download["Cache-Control"] == "private, no-store"
    archive = zipfile.ZipFile(io.BytesIO(streamed_bytes(download)))
    assert "README.txt" in archive.namelist()
    downloaded = AuditEntry.objects.get(action="export_downloaded")
    assert downloaded.actor == parent and downloaded.details == {"export": export.pk}


def test_R28_staff_export_their_own_data_the_same_way(
    teacher, school, django_capture_on_commit_callbacks
) -> None:
    client = client_for(teacher)
    ask(client, django_capture_on_commit_callbacks)

    export = DataExport.objects.get()
    assert export.subject == teacher and export.status == ExportStatus.READY
    assert client.get(download_url(export)).status_code == 200


def test_R28_asking_again_while_it_is_made_shows_the_same_one(parent) -> None:
    client = client_for(parent)
    first = client.post(reverse("privacy_export"))  # the worker has not run: still queued
    again = client.post(reverse("privacy_export"), follow=True)

    assert DataExport.objects.count() == 1
    assert first["Location"] == again.redirect_chain[0][0]
    assert "already being made" in again.content.decode()
    page = client.get(reverse("privacy_export")).content.decode()
    assert "See how your copy is coming along" in page and "Make a copy" not in page


def test_R28_progress_is_shown_and_polled_every_two_seconds(parent) -> None:
    export = export_request(acting_user=parent)
    DataExport.objects.filter(pk=export.pk).update(status=ExportStatus.BUILDING, progress=42)
    client = client_for(parent)

    page = client.get(status_url(export)).content.decode()
    part = client.get(status_url(export), HTTP_HX_REQUEST="true").content.decode()

    assert '<progress id="export-bar" max="100" value="42">' in page
    assert 'hx-trigger="every 2s"' in page and "htmx.min.js" in page
    assert f'href="{status_url(export)}">Check again' in page  # without JavaScript
    assert "<html" not in part and 'value="42"' in part and 'hx-trigger="every 2s"' in part


def test_R28_a_ready_export_stops_the_polling(parent, django_capture_on_commit_callbacks):
    client = client_for(parent)
    ask(client, django_capture_on_commit_callbacks)

    part = client.get(status_url(DataExport.objects.get()), HTTP_HX_REQUEST="true")

    assert "hx-trigger" not in part.content.decode() and "Your copy is ready." in (
        part.content.decode()
    )


def test_R28_another_persons_export_link_is_a_404(
    parent, school_class, django_capture_on_commit_callbacks
) -> None:
    ask(client_for(parent), django_capture_on_commit_callbacks)
    export = DataExport.objects.get()
    other = ParentLinkFactory(pupil=PupilFactory(school_class=school_class)).parent
    teacher = TeacherFactory()

    for user in (other, teacher, OfficeFactory()):
        client = client_for(user)
        assert client.get(status_url(export)).status_code == 404
        assert client.get(download_url(export)).status_code == 404
    missing = uuid.uuid4()
    assert (
        client_for(parent).get(reverse("privacy_export_download", args=[missing])).status_code
        == 404
    )
    assert not AuditEntry.objects.filter(action="export_downloaded").exists()


def test_an_export_the_office_ran_is_handed_over_by_the_office(parent) -> None:
    office = OfficeFactory()
    export = export_request(acting_user=office, subject=parent)

    client = client_for(parent)
    assert client.get(status_url(export)).status_code == 404
    assert str(export.key) not in client.get(reverse("privacy_export")).content.decode()


def test_R28_an_expired_export_says_so_and_offers_a_new_one(
    parent, django_capture_on_commit_callbacks
) -> None:
    client = client_for(parent)
    ask(client, django_capture_on_commit_callbacks)
    export = DataExport.objects.get()
    exports_expire(now=timezone.now() + dt.timedelta(days=8))

    response = client.get(download_url(export))

    page = response.content.decode()
    assert response.status_code == 410
    assert "This copy has expired" in page and "kept for 7 days" in page
    assert f'action="{reverse("privacy_export")}"' in page and "Make a new copy" in page
    assert (
        "Expired: the file has been deleted."
        in client.get(reverse("privacy_export")).content.decode()
    )
    ask(client, django_capture_on_commit_callbacks)
    assert DataExport.objects.filter(status=ExportStatus.READY).count() == 1


def test_R28_past_its_seven_days_the_file_is_not_served_even_before_the_nightly_job(
    parent, django_capture_on_commit_callbacks
) -> None:
    client = client_for(parent)
    ask(client, django_capture_on_commit_callbacks)
    export = DataExport.objects.get()
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now())

    response = client.get(download_url(export))

    assert response.status_code == 410 and "This copy has expired" in response.content.decode()
    assert not AuditEntry.objects.filter(action="export_downloaded").exists()


def test_a_copy_still_being_made_is_not_downloaded_yet(parent) -> None:
    export = export_request(acting_user=parent)

    response = client_for(parent).get(download_url(export))

    assert response.status_code == 302 and response["Location"] == status_url(export)


def test_pupils_have_no_export_pages(school, school_class) -> None:
    pupil = PupilFactory(school_class=school_class)
    give_picture_code(pupil)
    client = pupil_client_for(pupil.user)

    assert client.get(reverse("privacy_export")).status_code == 404
    assert client.post(reverse("privacy_export")).status_code == 404
    assert not DataExport.objects.exists()


def _count(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len([q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]])


def test_the_status_and_request_pages_cost_the_same_whatever_the_history(
    parent, django_capture_on_commit_callbacks
) -> None:
    client = client_for(parent)
    ask(client, django_capture_on_commit_callbacks)
    export = DataExport.objects.get()
    small = [_count(client, status_url(export)), _count(client, reverse("privacy_export"))]
    for _ in range(6):
        ask(client, django_capture_on_commit_callbacks)
    exports_expire(now=timezone.now() + dt.timedelta(days=8))
    ask(client, django_capture_on_commit_callbacks)

    large = [_count(client, status_url(export)), _count(client, reverse("privacy_export"))]

    assert small == large, (small, large)
    assert large == [3, 3], large  # session, user, the page (the gates answer from the cache)
