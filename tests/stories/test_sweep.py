"""Beat's every-minute sweep of the stories app (issue 13, item 6): a photo left waiting, or a
post left untold, because its worker was killed is taken up by the next minute's sweep, not
minutes later; a photo a live worker is processing is left to it."""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from accounts.models import User
from classes.models import SchoolClass
from core.claims import CLAIM_TTL
from notifications.models import Notification
from stories.models import Attachment, AttachmentStatus, Post
from stories.selectors import WAITING, photos_waiting, recordings_waiting
from stories.services import notices
from stories.services.notices import post_notify
from stories.tasks import publish_due
from tests.clock import at
from tests.media import corpus
from tests.requirements import require_or_skip

from .conftest import class_post, photo

LONDON = zoneinfo.ZoneInfo("Europe/London")
TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)
MINUTE = dt.timedelta(minutes=1)


def waiting_photo(teacher: User, school_class: SchoolClass) -> Attachment:
    """A photo uploaded at 10:00 whose worker died before processing it (its task is gone)."""
    with at(TUESDAY_1000):
        post = class_post(teacher, school_class, uploads=[photo()], no_child_appears=True)
    attachment = post.attachments.get()
    assert attachment.status == AttachmentStatus.PROCESSING
    return attachment


def test_R9_a_photo_its_worker_never_finished_is_processed_by_the_next_minutes_sweep(
    teacher, school_class, django_capture_on_commit_callbacks
) -> None:
    attachment = waiting_photo(teacher, school_class)

    with (
        at(TUESDAY_1000 + MINUTE),
        django_capture_on_commit_callbacks(execute=True),
    ):
        publish_due()

    attachment.refresh_from_db()
    assert attachment.status == AttachmentStatus.READY and attachment.file.name


def test_R9_a_photo_just_uploaded_is_left_to_the_task_already_on_its_way(
    teacher, school_class, django_capture_on_commit_callbacks
) -> None:
    attachment = waiting_photo(teacher, school_class)

    with (
        at(TUESDAY_1000 + WAITING / 2),
        django_capture_on_commit_callbacks(execute=True) as enqueued,
    ):
        publish_due()

    assert enqueued == []
    attachment.refresh_from_db()
    assert attachment.status == AttachmentStatus.PROCESSING


@pytest.mark.django_db(transaction=True)
def test_R9_a_photo_a_live_worker_is_processing_is_not_handed_out_again(
    teacher, school_class
) -> None:
    require_or_skip(
        connection.vendor == "postgresql",
        "needs PostgreSQL: threads cannot share SQLite's in-memory test database",
    )
    with at(TUESDAY_1000):
        post = class_post(teacher, school_class, uploads=[photo()], no_child_appears=True)
    attachment = post.attachments.get()  # processed at once here (transactions commit) ...
    Attachment.objects.filter(pk=attachment.pk).update(status=AttachmentStatus.PROCESSING)
    locked, release = threading.Event(), threading.Event()

    def worker_at_it() -> None:  # what attachment_process holds while it re-encodes
        try:
            with transaction.atomic():
                Attachment.objects.select_for_update().get(pk=attachment.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    worker = threading.Thread(target=worker_at_it)  # ... and waiting again, a worker at it
    worker.start()
    try:
        assert locked.wait(timeout=30)
        with at(TUESDAY_1000 + MINUTE):
            assert photos_waiting(TUESDAY_1000 + MINUTE) == []
    finally:
        release.set()
        worker.join(timeout=30)
    with at(TUESDAY_1000 + MINUTE):
        assert photos_waiting(TUESDAY_1000 + MINUTE) == [attachment.pk]


def test_R31_a_worker_killed_while_telling_families_leaves_the_post_to_tell(
    teacher,
    school_class,
    parent_with_child,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks,
) -> None:
    with at(TUESDAY_1000):
        post = class_post(teacher, school_class)
    Post.objects.filter(pk=post.pk).update(notified_at=None)
    Notification.objects.all().delete()

    def killed(*args: object, **kwargs: object) -> int:
        raise SystemExit("SIGKILL")  # the worker dies halfway through telling

    monkeypatch.setattr(notices, "notify", killed)
    with pytest.raises(SystemExit), at(TUESDAY_1000):
        post_notify(post.pk)
    monkeypatch.undo()

    post.refresh_from_db()
    assert post.notified_at is None  # the claim died with its transaction
    with (
        at(TUESDAY_1000 + MINUTE),
        django_capture_on_commit_callbacks(execute=True),
    ):
        publish_due()
    parent, _maya = parent_with_child
    assert Notification.objects.filter(recipient=parent).count() == 1


def waiting_recording(teacher: User, school_class: SchoolClass) -> Attachment:
    """A sound recording uploaded at 10:00 whose transcode has not been done."""
    upload = SimpleUploadedFile("song.wav", corpus.wav().read_bytes())
    with at(TUESDAY_1000):
        post = class_post(teacher, school_class, uploads=[upload], no_child_appears=True)
    attachment = post.attachments.get()
    assert attachment.status == AttachmentStatus.PROCESSING
    return attachment


def test_R36_a_recording_a_live_worker_has_claimed_is_left_to_it_and_a_lost_claim_is_not(
    teacher, school_class, django_capture_on_commit_callbacks
) -> None:
    attachment = waiting_recording(teacher, school_class)
    later = TUESDAY_1000 + MINUTE
    assert recordings_waiting(later) == [attachment.pk]
    Attachment.objects.filter(pk=attachment.pk).update(claimed_at=later - CLAIM_TTL / 3)
    assert recordings_waiting(later) == []  # claimed and renewed: a worker is at it
    assert photos_waiting(later) == []  # and no photo sweep takes a recording either
    Attachment.objects.filter(pk=attachment.pk).update(claimed_at=later - 2 * CLAIM_TTL)
    with at(later), django_capture_on_commit_callbacks(execute=True):
        publish_due()  # the claim was lost with its worker: handed out again, and done
    attachment.refresh_from_db()
    assert attachment.status == AttachmentStatus.READY and attachment.claimed_at is None
    assert attachment.content_type == "audio/mp4"
