"""The nightly retention job (R28): after the retention periods a leaver's rows and media
files, old messages and childless parents' accounts are gone, with their cache entries; a
run is idempotent, and one interrupted halfway is completed by the next. Time is moved with
the suite's test clock (``tests.clock.at``)."""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zoneinfo
from dataclasses import asdict
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ParentLink, PupilLogin, User
from audit.actions import AuditAction
from audit.models import AuditEntry
from classes.models import Pupil, SchoolClass
from consent.models import ConsentChange, MediaStatus, PupilConsent
from media.uploads import MediaKind
from messaging.models import Message, MessagePhoto, Thread
from messaging.notices import message_key
from notifications.models import Channel, Kind, Notification
from notifications.selectors import bell_for
from points.models import Avatar, Award, Skill, SkillKind
from privacy import retention as retention_module
from privacy.models import DataExport, ExportStatus
from privacy.retention import RetentionCounts, retention_run
from privacy.services.export import export_build, export_request
from privacy.tasks import clear_expired_sessions
from privacy.tasks import retention_run as retention_task
from stories.models import Attachment, Audience, Like, Post
from tests.clock import at
from tests.conftest import client_for, pupil_client_for
from tests.factories import (
    OfficeFactory,
    ParentFactory,
    ParentLinkFactory,
    PupilFactory,
    TeacherFactory,
    assign_teacher,
    give_picture_code,
    with_totp,
)

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
LEFT = dt.date(2027, 7, 21)
SUMMER = dt.datetime(2027, 7, 1, 10, 0, tzinfo=LONDON)


def night(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(2, 45), tzinfo=LONDON)


def after_leaving(days: int) -> dt.datetime:
    return night(LEFT + dt.timedelta(days=days))


@pytest.fixture(autouse=True)
def _own_media_root(tmp_path: Path, settings) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def stored(folder: str) -> str:
    return default_storage.save(f"{folder}/{uuid.uuid4().hex}.jpg", ContentFile(b"\xff\xd8jpeg"))


def on_disk(name: str) -> bool:
    return (Path(settings.MEDIA_ROOT) / name).exists()


def post_with_photo(author: User, school_class: SchoolClass, **fields) -> tuple[Post, list[str]]:
    tagged = fields.pop("tagged", [])
    post = Post.objects.create(
        author=author,
        school_class=school_class,
        language="en-gb",
        published_at=SUMMER,
        **{"audience": Audience.CLASS, "body": "Sports day!", **fields},
    )
    post.tagged.set(tagged)
    names = [stored("stories"), stored("stories")]
    Attachment.objects.create(
        post=post,
        kind=MediaKind.PHOTO,
        file=names[0],
        thumbnail=names[1],
        content_type="image/jpeg",
    )
    return post, names


def thread_with_photo(parent: User, teacher: User, pupil: Pupil, *, sent: dt.datetime):
    thread = Thread.objects.create(parent=parent, teacher=teacher, pupil=pupil, created_at=sent)
    message = Message.objects.create(
        thread=thread,
        author=parent,
        from_parent=True,
        body="A photo of the rash",
        language="en-gb",
        sent_at=sent,
        deliver_at=sent,
    )
    names = [stored("messages"), stored("messages")]
    MessagePhoto.objects.create(
        message=message,
        file=names[0],
        thumbnail=names[1],
        content_type="image/jpeg",
        width=10,
        height=10,
        thumb_width=5,
        thumb_height=5,
    )
    return thread, message, names


@pytest.fixture
def world(school, school_class: SchoolClass):
    """Maya leaves on LEFT; Leo stays. Maya's mum has only Maya; Leo's dad has both."""
    teacher = assign_teacher(TeacherFactory(), school_class)
    maya = PupilFactory(school_class=school_class, first_name="Maya")
    leo = PupilFactory(school_class=school_class, first_name="Leo")
    mum = ParentLinkFactory(pupil=maya).parent
    dad = ParentLinkFactory(pupil=leo).parent
    ParentLink.objects.create(parent=dad, pupil=maya)
    give_picture_code(maya)  # while she is still at school
    Pupil.objects.filter(pk=maya.pk).update(leaving_date=LEFT)
    maya.refresh_from_db()
    student, student_files = post_with_photo(
        teacher, school_class, audience=Audience.STUDENT, pupil=maya, body="Maya's painting"
    )
    both, both_files = post_with_photo(teacher, school_class, tagged=[maya, leo])
    leo_only, leo_files = post_with_photo(teacher, school_class, tagged=[leo])
    for liker in (mum, maya.user):
        Like.objects.create(post=student, user=liker)
    Like.objects.create(post=both, user=maya.user)
    Post.objects.filter(pk=student.pk).update(like_count=2)
    Post.objects.filter(pk=both.pk).update(like_count=1)
    skill = Skill.objects.create(name="Teamwork", kind=SkillKind.POSITIVE, value=2, icon="star")
    for pupil in (maya, leo):
        Award.objects.create(pupil=pupil, school_class=school_class, skill=skill, value=2)
    Avatar.objects.create(
        pupil=maya, body="round", eyes="two", mouth="smile", colour="green", accessory="hat"
    )
    maya_thread, maya_message, message_files = thread_with_photo(mum, teacher, maya, sent=SUMMER)
    leo_thread, _leo_message, _ = thread_with_photo(dad, teacher, leo, sent=SUMMER)
    scans = [stored("consent-scans"), stored("consent-scans")]
    PupilConsent.objects.create(
        pupil=maya, media_status=MediaStatus.GRANTED, form_date=dt.date(2026, 9, 3), scan=scans[1]
    )
    ConsentChange.objects.create(pupil=maya, new_status=MediaStatus.GRANTED, scan_name=scans[0])
    Notification.objects.create(
        recipient=teacher,
        kind=Kind.NEW_MESSAGE,
        key=message_key(maya_message.pk),
        link="/messages/",
        channel=Channel.PORTAL,
        context={"pupil": "Maya"},
    )
    return {
        "teacher": teacher,
        "maya": maya,
        "leo": leo,
        "mum": mum,
        "dad": dad,
        "student": student,
        "both": both,
        "leo_only": leo_only,
        "maya_files": student_files + both_files + message_files + scans,
        "leo_files": leo_files,
        "maya_thread": maya_thread,
        "maya_message": maya_message,
        "leo_thread": leo_thread,
    }


# A leaver ------------------------------------------------------------------------------------


def test_R28_nothing_is_erased_until_the_retention_period_has_passed(world) -> None:
    with at(after_leaving(settings.PUPIL_RETENTION_DAYS)):
        counts = retention_run()
    assert counts == RetentionCounts()
    assert Pupil.objects.filter(pk=world["maya"].pk).exists()
    assert all(on_disk(name) for name in world["maya_files"])


def test_R28_a_leavers_rows_and_media_files_are_gone_after_retention(world) -> None:
    maya, leo = world["maya"], world["leo"]
    pupil_user_id = maya.user_id
    assert Notification.objects.filter(key=message_key(world["maya_message"].pk)).exists()
    with at(after_leaving(settings.PUPIL_RETENTION_DAYS + 1)):
        counts = retention_run()

    assert not Pupil.objects.filter(pk=maya.pk).exists()
    assert not User.objects.filter(pk=pupil_user_id).exists()
    assert not PupilLogin.objects.filter(pupil_id=maya.pk).exists()
    assert not Award.objects.filter(pupil_id=maya.pk).exists()
    assert not Avatar.objects.filter(pupil_id=maya.pk).exists()
    assert not PupilConsent.objects.filter(pupil_id=maya.pk).exists()
    assert not ConsentChange.objects.filter(pupil_id=maya.pk).exists()
    assert not ParentLink.objects.filter(pupil_id=maya.pk).exists()
    assert not Post.objects.filter(pk=world["student"].pk).exists()
    assert not Thread.objects.filter(pk=world["maya_thread"].pk).exists()
    assert not Notification.objects.filter(key=message_key(world["maya_message"].pk)).exists()
    assert [name for name in world["maya_files"] if on_disk(name)] == []
    # the class post stays for Leo's class, without the photo that showed Maya
    both = Post.objects.get(pk=world["both"].pk)
    assert both.attachments.count() == 0
    assert list(both.tagged.all()) == [leo]
    assert both.like_count == 0
    # Leo and everything about him is untouched
    assert all(on_disk(name) for name in world["leo_files"])
    assert Award.objects.filter(pupil=leo).count() == 1
    assert Thread.objects.filter(pk=world["leo_thread"].pk).exists()
    assert ParentLink.objects.filter(pupil=leo, parent=world["dad"]).exists()
    assert asdict(counts) == {
        "pupils": 1,
        "pupil_accounts": 1,
        "parent_links": 2,
        "student_posts": 1,
        "media": 2,
        "points": 1,
        "threads": 1,
        "messages": 1,
        "files": 8,
        "exports": 0,
        "parent_accounts": 0,
    }
    erased = AuditEntry.objects.get(action=AuditAction.PERSONAL_DATA_ERASED)
    assert erased.subject_label == f"pupil #{maya.pk}" and erased.actor_id is None
    assert "Maya" not in str(erased.details)
    run = AuditEntry.objects.get(action=AuditAction.RETENTION_RUN)
    assert run.details["pupils"] == 1 and run.details["completed"] is True


def test_R28_a_leavers_erasure_expires_the_exports_that_hold_them(world) -> None:
    leo_only_parent = ParentLinkFactory(pupil=world["leo"]).parent
    people = (world["mum"], world["dad"], world["teacher"], leo_only_parent)
    with at(after_leaving(settings.PUPIL_RETENTION_DAYS - 2)):
        exports = [export_build(export_request(acting_user=p, subject=p).pk) for p in people]
    files = [export.file.name for export in exports if export is not None]
    assert len(files) == 4 and all(on_disk(name) for name in files)

    with at(after_leaving(settings.PUPIL_RETENTION_DAYS + 1)):
        counts = retention_run()

    states = list(
        DataExport.objects.filter(subject__in=people)
        .order_by("pk")
        .values_list("status", flat=True)
    )
    assert states == [ExportStatus.EXPIRED] * 3 + [ExportStatus.READY]
    assert [name for name in files if on_disk(name)] == [files[3]]
    assert counts.exports == 3


def test_R28_the_office_deleting_a_pupil_in_the_admin_erases_their_files_too(world) -> None:
    office = OfficeFactory()
    with_totp(office)
    maya, leo = world["maya"], world["leo"]
    url = reverse("admin:classes_pupil_delete", args=[maya.pk])
    response = client_for(office).post(url, {"post": "yes"}, follow=True)

    assert response.status_code == 200 and not Pupil.objects.filter(pk=maya.pk).exists()
    assert [name for name in world["maya_files"] if on_disk(name)] == []
    assert not Post.objects.filter(pk=world["student"].pk).exists()
    assert Post.objects.get(pk=world["both"].pk).attachments.count() == 0
    assert all(on_disk(name) for name in world["leo_files"])
    erased = AuditEntry.objects.get(action=AuditAction.PERSONAL_DATA_ERASED)
    assert erased.actor_id == office.pk and erased.details["files"] == 8

    client_for(office).post(
        reverse("admin:classes_pupil_changelist"),
        {"action": "delete_selected", "_selected_action": [leo.pk], "post": "yes"},
    )
    assert not Pupil.objects.exists()
    assert [name for name in world["leo_files"] if on_disk(name)] == []


def test_R28_a_leavers_sessions_and_cache_keys_are_gone(world) -> None:
    maya = world["maya"]
    account = maya.user
    pupil_client_for(account)
    bell_for(account)
    bell_key = f"notifications:bell:{account.pk}"
    assert cache.get(bell_key) is not None
    with at(after_leaving(settings.PUPIL_RETENTION_DAYS + 1)):
        retention_run()
    assert cache.get(bell_key) is None
    assert not [
        s for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(account.pk)
    ]


def test_R28_running_the_job_twice_does_nothing_twice(world) -> None:
    with at(after_leaving(settings.PUPIL_RETENTION_DAYS + 1)):
        first = retention_run()
        second = retention_run()
    assert first.pupils == 1
    assert second == RetentionCounts()
    assert AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_ERASED).count() == 1
    runs = AuditEntry.objects.filter(action=AuditAction.RETENTION_RUN).order_by("pk")
    assert [entry.details["pupils"] for entry in runs] == [1, 0]


def test_R28_a_run_interrupted_halfway_is_completed_by_the_next(world, school_class) -> None:
    sam = PupilFactory(school_class=school_class, first_name="Sam", leaving_date=LEFT)
    _post, sam_files = post_with_photo(
        world["teacher"], school_class, audience=Audience.STUDENT, pupil=sam, body="Sam's model"
    )
    real = retention_module.files_delete
    calls: list[int] = []

    def fail_on_the_second_pupil(names):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("the disk went away")
        return real(names)

    with at(after_leaving(settings.PUPIL_RETENTION_DAYS + 1)):
        with (
            mock.patch.object(retention_module, "files_delete", fail_on_the_second_pupil),
            pytest.raises(OSError, match="the disk went away"),
        ):
            retention_run()
        # Maya was finished; Sam's transaction was undone as a whole
        assert not Pupil.objects.filter(pk=world["maya"].pk).exists()
        assert Pupil.objects.filter(pk=sam.pk).exists()
        assert Post.objects.filter(pupil=sam).count() == 1
        interrupted = AuditEntry.objects.get(action=AuditAction.RETENTION_RUN)
        assert interrupted.details["completed"] is False
        assert interrupted.details["pupils"] == 1

        counts = retention_run()

    assert counts.pupils == 1  # Sam only: Maya is not done twice
    assert not Pupil.objects.filter(pk=sam.pk).exists()
    assert [name for name in sam_files + world["maya_files"] if on_disk(name)] == []
    assert AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_ERASED).count() == 2


# Messages ------------------------------------------------------------------------------------


def test_R28_messages_past_retention_are_deleted_with_their_photos(world) -> None:
    dad, leo, teacher = world["dad"], world["leo"], world["teacher"]
    long_ago = SUMMER - dt.timedelta(days=settings.MESSAGE_RETENTION_DAYS + 30)
    former_teacher = TeacherFactory()
    old_thread, old_message, old_files = thread_with_photo(dad, former_teacher, leo, sent=long_ago)
    recent = Message.objects.filter(thread=world["leo_thread"]).get()
    Message.objects.create(
        thread=world["leo_thread"],
        author=teacher,
        from_parent=False,
        body="An old answer",
        language="en-gb",
        sent_at=long_ago,
        deliver_at=long_ago,
    )
    with at(SUMMER + dt.timedelta(days=1)):
        counts = retention_run()
    assert counts.messages == 2 and counts.threads == 1
    assert not Message.objects.filter(pk=old_message.pk).exists()
    assert not Thread.objects.filter(pk=old_thread.pk).exists()  # left empty
    assert [name for name in old_files if on_disk(name)] == []
    assert list(Message.objects.filter(thread=world["leo_thread"])) == [recent]


def test_R28_messages_past_retention_expire_the_exports_that_hold_them(world) -> None:
    long_ago = SUMMER - dt.timedelta(days=settings.MESSAGE_RETENTION_DAYS + 30)
    former_teacher = TeacherFactory()
    thread_with_photo(world["dad"], former_teacher, world["leo"], sent=long_ago)
    people = (world["dad"], former_teacher, world["mum"])
    with at(SUMMER):
        exports = [export_build(export_request(acting_user=p, subject=p).pk) for p in people]
    assert all(export is not None and on_disk(export.file.name) for export in exports)

    with at(SUMMER + dt.timedelta(days=1)):
        counts = retention_run()

    states = DataExport.objects.filter(subject__in=people).order_by("pk")
    assert list(states.values_list("status", flat=True)) == [
        ExportStatus.EXPIRED,
        ExportStatus.EXPIRED,
        ExportStatus.READY,  # Maya's mum: none of her messages was that old
    ]
    assert counts.exports == 2 and counts.messages == 1
    assert [on_disk(export.file.name) for export in exports if export] == [False, False, True]


def test_R28_a_deleted_parents_messages_stay_until_the_message_retention_ends(world) -> None:
    from privacy.deletion import account_erase

    dad, leo_thread = world["dad"], world["leo_thread"]
    account_erase(dad, actor=dad, reason="test")
    kept = Message.objects.get(thread=leo_thread)
    assert kept.author_id is None and kept.author_name == "a former parent/carer"
    with at(SUMMER + dt.timedelta(days=settings.MESSAGE_RETENTION_DAYS - 1)):
        retention_run()
    assert Message.objects.filter(pk=kept.pk).exists()
    with at(SUMMER + dt.timedelta(days=settings.MESSAGE_RETENTION_DAYS + 1)):
        retention_run()
    assert not Message.objects.filter(pk=kept.pk).exists()
    assert not Thread.objects.filter(pk=leo_thread.pk).exists()


# Parents without a child ---------------------------------------------------------------------


def test_R28_a_parent_with_no_current_child_for_a_year_is_deleted(world) -> None:
    mum, dad = world["mum"], world["dad"]
    erased_on = LEFT + dt.timedelta(days=settings.PUPIL_RETENTION_DAYS + 1)
    with at(night(erased_on)):
        retention_run()
    mum.refresh_from_db()
    assert mum.no_child_since == erased_on
    bell_for(mum)
    year = settings.PARENT_WITHOUT_CHILD_DAYS
    with at(night(erased_on + dt.timedelta(days=year))):
        assert retention_run().parent_accounts == 0
    with at(night(erased_on + dt.timedelta(days=year + 1))):
        counts = retention_run()
    assert counts.parent_accounts == 1
    assert not User.objects.filter(pk=mum.pk).exists()
    assert cache.get(f"notifications:bell:{mum.pk}") is None
    assert User.objects.filter(pk=dad.pk, no_child_since__isnull=True).exists()  # Leo is current
    entry = AuditEntry.objects.get(action=AuditAction.ACCOUNT_DELETED)
    assert entry.actor_id is None and entry.details["reason"] == "no current child (retention)"


def test_R28_a_parent_who_gets_a_child_again_keeps_their_account(world, school_class) -> None:
    mum = world["mum"]
    erased_on = LEFT + dt.timedelta(days=settings.PUPIL_RETENTION_DAYS + 1)
    with at(night(erased_on)):
        retention_run()
    ParentLink.objects.create(parent=mum, pupil=PupilFactory(school_class=school_class))
    later = erased_on + dt.timedelta(days=settings.PARENT_WITHOUT_CHILD_DAYS + 5)
    with at(night(later)):
        assert retention_run().parent_accounts == 0
    mum.refresh_from_db()
    assert mum.no_child_since is None


def test_R28_a_new_parent_without_a_child_yet_is_counted_from_the_first_night(school) -> None:
    newcomer = ParentFactory()
    first = dt.date(2027, 1, 10)
    with at(night(first)):
        retention_run()
    newcomer.refresh_from_db()
    assert newcomer.no_child_since == first
    with at(night(first + dt.timedelta(days=settings.PARENT_WITHOUT_CHILD_DAYS + 1))):
        retention_run()
    assert not User.objects.filter(pk=newcomer.pk).exists()


# Wiring --------------------------------------------------------------------------------------


def test_R28_the_nightly_task_runs_the_job_and_is_scheduled(world) -> None:
    schedule = settings.CELERY_BEAT_SCHEDULE["privacy-retention-run"]
    assert schedule["task"] == "privacy.tasks.retention_run"
    with at(after_leaving(settings.PUPIL_RETENTION_DAYS + 1)):
        assert retention_task.delay().get() == 1  # one pupil, no parent account yet
    assert not Pupil.objects.filter(pk=world["maya"].pk).exists()


def test_R28_expired_sessions_are_deleted_nightly(client, world) -> None:
    assert settings.CELERY_BEAT_SCHEDULE["privacy-clear-sessions"]["task"] == (
        "privacy.tasks.clear_expired_sessions"
    )
    with at(SUMMER):
        client.force_login(world["mum"])
    old = client.session.session_key
    later = SUMMER + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    with at(later):
        client.force_login(world["mum"])
        clear_expired_sessions.delay().get()
    assert list(Session.objects.values_list("session_key", flat=True)) == [
        client.session.session_key
    ]
    assert old != client.session.session_key


def test_R28_the_command_counts_without_changing_in_a_dry_run(world) -> None:
    out = io.StringIO()
    with at(after_leaving(settings.PUPIL_RETENTION_DAYS + 1)):
        call_command("retention_run", "--dry-run", stdout=out)
        assert "pupils: 1" in out.getvalue()
        assert Pupil.objects.filter(pk=world["maya"].pk).exists()
        call_command("retention_run", stdout=out)
    assert "Erased: pupils: 1" in out.getvalue()
    assert not Pupil.objects.filter(pk=world["maya"].pk).exists()


def test_R28_erasing_a_leaver_costs_the_same_queries_whatever_their_data(
    school, school_class
) -> None:
    """Each leaver is erased with a fixed number of queries: a pupil with six posts and four
    conversations costs no more than one with one of each (the nightly job grows with the
    number of leavers only). A first leaver warms the content-type cache, as on a server."""
    teachers = [TeacherFactory() for _ in range(4)]
    warm, small, large = (
        PupilFactory(school_class=school_class, leaving_date=LEFT) for _ in range(3)
    )
    for pupil, posts, threads in ((warm, 1, 1), (small, 1, 1), (large, 6, 4)):
        parent = ParentLinkFactory(pupil=pupil).parent
        for _post in range(posts):
            post_with_photo(teachers[0], school_class, audience=Audience.STUDENT, pupil=pupil)
        for teacher in teachers[:threads]:
            thread_with_photo(parent, teacher, pupil, sent=SUMMER)
    today = LEFT + dt.timedelta(days=settings.PUPIL_RETENTION_DAYS + 1)
    counted = []
    for pupil in (warm, small, large):
        with CaptureQueriesContext(connection) as queries:
            assert retention_module.pupil_erase(pupil.pk, today=today).pupils == 1
        counted.append(len(queries))
    assert counted[1] == counted[2], counted


def _analyzed(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("ANALYZE")]


def test_a_retention_run_that_erased_something_refreshes_the_planners_statistics(
    world, django_capture_on_commit_callbacks
) -> None:
    with (
        at(after_leaving(settings.PUPIL_RETENTION_DAYS + 1)),
        CaptureQueriesContext(connection) as ctx,
        django_capture_on_commit_callbacks(execute=True),
    ):
        counts = retention_run()

    assert counts.pupils == 1
    expected = ["ANALYZE"] if connection.vendor == "postgresql" else []  # every table
    assert _analyzed(ctx) == expected


def test_a_retention_run_that_erased_nothing_leaves_the_statistics_alone(
    world, django_capture_on_commit_callbacks
) -> None:
    with (
        at(after_leaving(settings.PUPIL_RETENTION_DAYS)),
        CaptureQueriesContext(connection) as ctx,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert retention_run() == RetentionCounts()

    assert _analyzed(ctx) == []
