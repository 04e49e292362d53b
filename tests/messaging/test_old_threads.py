"""A thread from 14 months ago (R19, R21, R28): today's calendar still answers for the days it
was written on (it once knew closures from a year back only and refused earlier days), and its
page, the overdue sweep, the data export and retention all work on it."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import User
from classes.models import Pupil
from classes.worktime import calendar_for, reply_due_at
from messaging.models import Message
from messaging.notices import notices_sweep
from messaging.services.messages import message_start
from privacy.models import DataExport, ExportStatus
from privacy.retention import retention_run
from privacy.services.export import export_request
from tests.clock import LONDON, at
from tests.conftest import client_for
from tests.factories import ClosureFactory

pytestmark = pytest.mark.django_db

# Wednesday 1 October 2025, the day before an INSET day: 14 months before 1 December 2026.
SENT = dt.datetime(2025, 10, 1, 10, 0, tzinfo=LONDON)
DUE = dt.datetime(2025, 10, 6, 10, 0, tzinfo=LONDON)  # Wednesday and Friday count, then Monday
TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)
BODY = "Maya lost her reading book, could she have another one?"


@pytest.fixture(autouse=True)
def _own_media_root(tmp_path: Path, settings) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def old_message(school, teacher: User, parent_with_child: tuple[User, Pupil]) -> Message:
    parent, maya = parent_with_child
    ClosureFactory(starts_on=dt.date(2025, 10, 2), ends_on=dt.date(2025, 10, 2))
    with at(SENT):
        return message_start(acting_user=parent, other=teacher, pupil=maya, body=BODY)


def test_R21_an_old_messages_reply_time_is_the_same_on_todays_calendar(
    old_message: Message,
) -> None:
    assert old_message.reply_due_at == DUE
    with at(TUESDAY_1000):
        assert old_message.deliver_at is not None
        assert reply_due_at(calendar_for(), old_message.deliver_at) == DUE


def test_R21_an_old_thread_opens_and_is_reminded_of_once(
    old_message: Message, teacher: User
) -> None:
    with at(DUE + dt.timedelta(minutes=1)):
        assert notices_sweep().reminded == 1
    with at(TUESDAY_1000):
        assert notices_sweep().reminded == 0
        page = client_for(teacher).get(reverse("messaging_thread", args=[old_message.thread_id]))
    assert page.status_code == 200
    assert BODY in page.content.decode()


def test_R28_an_old_thread_is_in_the_parents_data_export(
    old_message: Message, parent_with_child: tuple[User, Pupil], django_capture_on_commit_callbacks
) -> None:
    parent, _maya = parent_with_child
    with at(TUESDAY_1000), django_capture_on_commit_callbacks(execute=True):
        export = export_request(acting_user=parent)

    export = DataExport.objects.get(pk=export.pk)
    assert export.status == ExportStatus.READY
    with export.file.open("rb") as file:
        archive = zipfile.ZipFile(io.BytesIO(file.read()))
    (thread,) = json.loads(archive.read("messages.json"))["threads"]
    (message,) = thread["messages"]
    assert message["text"] == BODY
    assert dt.datetime.fromisoformat(message["delivered"]) == SENT


def test_R28_retention_keeps_an_old_thread_until_its_period_ends(
    old_message: Message, settings
) -> None:
    with at(TUESDAY_1000):
        retention_run()
    assert Message.objects.filter(pk=old_message.pk).exists()

    kept_for = dt.timedelta(days=settings.MESSAGE_RETENTION_DAYS)
    with at(SENT + kept_for + dt.timedelta(days=1)):
        retention_run()
    assert not Message.objects.filter(pk=old_message.pk).exists()
