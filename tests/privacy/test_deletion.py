"""Deleting one's own account (R28): confirmed with the password, the person's rows, sessions,
files and cache entries go; their messages stay as the school's record, attributed to "a
former parent/carer" or "a former member of staff"; their children are not touched."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from accounts.models import ParentLink, User
from accounts.services.invites import INVITE_LIMIT
from audit.actions import AuditAction
from audit.models import AuditEntry
from classes.models import Pupil, SchoolClass
from consent.models import DataProcessingForm
from messaging.models import Message, Thread
from messaging.notices import notices_sweep
from messaging.services.messages import message_reply, message_start
from notifications.models import (
    Channel,
    Kind,
    Notification,
    NotificationSetting,
    PushSubscription,
)
from notifications.selectors import bell_for
from points.models import Award, Skill, SkillKind
from privacy.deletion import (
    DELETE_LIMIT,
    LAST_LEADER,
    PASSWORD_NEEDED,
    TOO_MANY_TRIES,
    WRONG_PASSWORD,
    account_delete_own,
)
from privacy.models import DataExport, ExportStatus
from privacy.views.deletion import DELETED
from stories.models import Audience, Like, Post
from stories.services.likes import post_like
from tests.clock import at
from tests.conftest import client_for, pupil_client_for
from tests.factories import (
    PASSWORD,
    CodeOfConductFactory,
    LeaderFactory,
    OfficeFactory,
    ParentLinkFactory,
    TeacherFactory,
    assign_teacher,
    give_picture_code,
)

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)
DELETE_URL = reverse("privacy_account_delete")


@pytest.fixture(autouse=True)
def _own_media_root(tmp_path: Path, settings) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def family(school, school_class: SchoolClass, teacher: User, parent_with_child):
    """Maya's parent (who will delete their account) and her other parent, her teacher, a
    conversation, a like, points, notification settings and a device."""
    parent, maya = parent_with_child
    other_parent = ParentLinkFactory(pupil=maya).parent
    post = Post.objects.create(
        audience=Audience.STUDENT,
        school_class=school_class,
        pupil=maya,
        author=teacher,
        body="Maya read to the class today.",
        language="en-gb",
        published_at=TUESDAY_1000,
    )
    with at(TUESDAY_1000):
        post_like(acting_user=parent, post=post)
        post_like(acting_user=other_parent, post=post)
        first = message_start(acting_user=parent, other=teacher, pupil=maya, body="Hello Mrs P")
        message_reply(acting_user=teacher, thread=first.thread, body="Hello! All is well.")
        message_reply(acting_user=parent, thread=first.thread, body="Is PE on Friday?")
    skill = Skill.objects.create(name="Kindness", kind=SkillKind.POSITIVE, value=1, icon="heart")
    Award.objects.create(pupil=maya, school_class=school_class, skill=skill, value=1)
    NotificationSetting.objects.create(user=parent, kind=Kind.NEW_POST, channel=Channel.DIGEST)
    PushSubscription.objects.create(
        user=parent, endpoint="https://push.example.org/abc", p256dh="k", auth="a"
    )
    Notification.objects.create(
        recipient=parent, kind=Kind.NEW_POST, key="post:1", link="/", channel=Channel.PORTAL
    )
    return {
        "parent": parent,
        "other_parent": other_parent,
        "maya": maya,
        "teacher": teacher,
        "post": post,
        "thread": first.thread,
    }


def sessions_of(user_id: int) -> int:
    return sum(
        1 for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(user_id)
    )


def delete_via_page(client: Client, password: str):
    return client.post(DELETE_URL, {"password": password})


# The page -------------------------------------------------------------------------------------


def test_R28_the_page_says_what_goes_and_what_stays(family) -> None:
    response = client_for(family["parent"]).get(DELETE_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Delete your account" in html
    assert "a former parent/carer" in html
    assert "2 years after it was sent" in html  # MESSAGE_RETENTION_DAYS read, not written in
    assert "Your children's records stay with the school" in html
    assert reverse("privacy_export") in html


def test_R28_a_parent_deletes_their_account_and_its_rows_are_gone(family) -> None:
    parent, maya = family["parent"], family["maya"]
    client = client_for(parent)
    other_device = client_for(parent)
    assert sessions_of(parent.pk) == 2

    response = delete_via_page(client, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert str(DELETED) in client.get(response["Location"]).content.decode()
    assert not User.objects.filter(pk=parent.pk).exists()
    assert not ParentLink.objects.filter(parent_id=parent.pk).exists()
    assert not Like.objects.filter(user_id=parent.pk).exists()
    assert not NotificationSetting.objects.filter(user_id=parent.pk).exists()
    assert not PushSubscription.objects.filter(user_id=parent.pk).exists()
    assert not Notification.objects.filter(recipient_id=parent.pk).exists()
    assert sessions_of(parent.pk) == 0
    assert other_device.get(reverse("home"))["Location"].startswith(reverse("account_login"))
    family["post"].refresh_from_db()
    assert family["post"].like_count == 1  # the other parent's like stays
    entry = AuditEntry.objects.get(action=AuditAction.ACCOUNT_DELETED)
    assert entry.actor_id is None  # the account is gone; the label says who it was
    assert entry.actor_label == f"parent #{parent.pk}"
    assert entry.subject_label == f"parent #{parent.pk}"
    assert entry.details["likes"] == 1 and entry.details["links"] == 1
    assert Pupil.objects.filter(pk=maya.pk).exists()


def test_R28_a_bounced_address_of_the_person_goes_with_the_account(family) -> None:
    from notifications.models import BouncedAddress

    parent = family["parent"]
    BouncedAddress.objects.create(email=parent.email.upper(), reason="550 no such user")
    BouncedAddress.objects.create(email="someone.else@example.org", reason="550 no such user")

    delete_via_page(client_for(parent), PASSWORD)

    assert list(BouncedAddress.objects.values_list("email", flat=True)) == [
        "someone.else@example.org"
    ]


def test_R28_pupils_are_unaffected_by_a_parents_deletion(family) -> None:
    maya = family["maya"]
    account_delete_own(acting_user=family["parent"], password=PASSWORD)
    maya.refresh_from_db()
    assert maya.leaving_date is None and maya.school_class_id is not None
    assert Award.objects.filter(pupil=maya).count() == 1
    assert Post.objects.filter(pupil=maya).count() == 1
    assert list(ParentLink.objects.filter(pupil=maya).values_list("parent_id", flat=True)) == [
        family["other_parent"].pk
    ]
    # the other parent still sees Maya's Student Story
    response = client_for(family["other_parent"]).get(reverse("stories_feed"))
    assert "Maya read to the class today." in response.content.decode()


def test_R28_messages_stay_attributed_to_a_former_parent(family) -> None:
    thread, teacher = family["thread"], family["teacher"]
    account_delete_own(acting_user=family["parent"], password=PASSWORD)

    thread.refresh_from_db()
    assert thread.parent_id is None
    assert Message.objects.filter(thread=thread).count() == 3
    assert not Message.objects.filter(thread=thread, reply_due_at__isnull=False).exists()
    with at(TUESDAY_1000 + dt.timedelta(hours=1)):
        client = client_for(teacher)
        inbox = client.get(reverse("messaging_inbox")).content.decode()
        page = client.get(reverse("messaging_thread", args=[thread.pk])).content.decode()
    assert "a former parent/carer" in inbox
    assert "Is PE on Friday?" in page
    assert page.count("a former parent/carer") >= 3  # the heading and both of their messages
    assert "has deleted their account" in page
    assert 'name="body"' not in page  # nobody to reply to


def test_R28_the_notification_sweep_passes_over_a_deleted_parents_threads(family) -> None:
    """The teacher's answer was not yet notified when the parent left: there is nobody to
    tell, and the sweep carries on; the teacher still hears of the parent's messages."""
    teacher = family["teacher"]
    account_delete_own(acting_user=family["parent"], password=PASSWORD)
    with at(TUESDAY_1000 + dt.timedelta(minutes=1)):
        notices_sweep()
    told = Notification.objects.filter(kind=Kind.NEW_MESSAGE)
    assert list(told.values_list("recipient_id", flat=True)) == [teacher.pk, teacher.pk]


def test_R28_a_teachers_messages_stay_as_a_former_member_of_staff(family) -> None:
    thread, teacher, parent = family["thread"], family["teacher"], family["parent"]
    LeaderFactory()
    account_delete_own(acting_user=teacher, password=PASSWORD)

    thread.refresh_from_db()
    assert thread.teacher_id is None  # the conversation passes to the office inbox
    assert thread.closed_at is None  # the parent's question awaits an answer
    with at(TUESDAY_1000 + dt.timedelta(hours=1)):
        page = client_for(parent).get(reverse("messaging_thread", args=[thread.pk]))
    html = page.content.decode()
    assert "Hello! All is well." in html
    assert "a former member of staff" in html
    office = client_for(OfficeFactory()).get(reverse("messaging_office")).content.decode()
    assert parent.display_name in office


def test_R28_a_parent_who_has_not_agreed_to_the_code_or_the_form_can_still_delete(
    family,
) -> None:
    """Agreeing is not the price of leaving (R4 gates every other page)."""
    parent = family["parent"]
    CodeOfConductFactory()
    DataProcessingForm.objects.create(version=1, title="Data processing", body="We process…")
    client = client_for(parent)
    assert client.get(reverse("stories_feed")).status_code == 302  # the gates are on
    assert client.get(DELETE_URL).status_code == 200
    assert delete_via_page(client, PASSWORD).status_code == 302
    assert not User.objects.filter(pk=parent.pk).exists()


# Refused: nothing deleted ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "expected"), [("", PASSWORD_NEEDED), ("not-my-password", WRONG_PASSWORD)]
)
def test_R28_deletion_without_the_right_password_is_refused(family, password, expected) -> None:
    parent = family["parent"]
    response = delete_via_page(client_for(parent), password)
    assert response.status_code == 400
    assert str(expected) in response.content.decode()
    assert User.objects.filter(pk=parent.pk).exists()
    assert ParentLink.objects.filter(parent=parent).count() == 1
    assert Like.objects.filter(user=parent).count() == 1
    assert not AuditEntry.objects.filter(action=AuditAction.ACCOUNT_DELETED).exists()


def test_R28_after_five_wrong_passwords_even_the_right_one_is_refused(family) -> None:
    parent = family["parent"]
    client = client_for(parent)
    for _attempt in range(settings.ACCOUNT_DELETE_MAX_FAILURES):
        delete_via_page(client, "guess")
    response = delete_via_page(client, PASSWORD)
    assert response.status_code == 400
    assert str(TOO_MANY_TRIES % {"minutes": 15}) in response.content.decode()
    assert User.objects.filter(pk=parent.pk).exists()


def test_R28_the_last_leader_cannot_delete_their_account(school) -> None:
    leader = LeaderFactory()
    with pytest.raises(ValidationError) as refused:
        account_delete_own(acting_user=leader, password=PASSWORD)
    assert refused.value.messages == [str(LAST_LEADER)]
    LeaderFactory()
    account_delete_own(acting_user=leader, password=PASSWORD)
    assert not User.objects.filter(pk=leader.pk).exists()


def test_R28_pupils_and_suspended_accounts_have_no_delete_page(family) -> None:
    maya = family["maya"]
    give_picture_code(maya)
    assert pupil_client_for(maya.user).get(DELETE_URL).status_code == 404
    with pytest.raises(PermissionDenied):
        account_delete_own(acting_user=maya.user, password=PASSWORD)
    parent = family["parent"]
    User.objects.filter(pk=parent.pk).update(is_suspended=True)
    parent.refresh_from_db()
    assert client_for(parent).get(DELETE_URL).status_code == 403  # the suspended page (R5)
    with pytest.raises(PermissionDenied):
        account_delete_own(acting_user=parent, password=PASSWORD)


# Files and cache ------------------------------------------------------------------------------


def test_R28_the_files_of_the_persons_data_copies_are_gone_from_disk(family) -> None:
    parent = family["parent"]
    name = default_storage.save("exports/copy.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
    DataExport.objects.create(
        subject=parent,
        requested_by=parent,
        requested_on=dt.date(2026, 12, 1),
        deadline=dt.date(2027, 1, 1),
        status=ExportStatus.READY,
        file=name,
    )
    path = Path(settings.MEDIA_ROOT) / name
    assert path.exists()
    account_delete_own(acting_user=parent, password=PASSWORD)
    assert not path.exists()
    assert not DataExport.objects.filter(subject_id=parent.pk).exists()


def test_R28_the_cache_keys_holding_the_persons_data_are_gone(family) -> None:
    parent = family["parent"]
    bell_for(parent)
    bell_key = f"notifications:bell:{parent.pk}"
    DELETE_LIMIT.record_failure(f"user:{parent.pk}")
    INVITE_LIMIT.record_failure(f"account:user:{parent.pk}", f"account:{parent.email}")
    keys = [
        bell_key,
        DELETE_LIMIT._key(f"user:{parent.pk}"),
        INVITE_LIMIT._key(f"account:user:{parent.pk}"),
        INVITE_LIMIT._key(f"account:{parent.email}"),
    ]
    assert all(cache.get(key) is not None for key in keys)

    account_delete_own(acting_user=parent, password=PASSWORD)

    assert [key for key in keys if cache.get(key) is not None] == []


def test_R28_a_new_teacher_can_be_messaged_after_the_old_one_left(family) -> None:
    """The old thread (now the office's) does not block a new conversation with the new
    teacher about the same child."""
    parent, maya, old = family["parent"], family["maya"], family["teacher"]
    LeaderFactory()
    account_delete_own(acting_user=old, password=PASSWORD)
    new = assign_teacher(TeacherFactory(), maya.school_class)
    with at(TUESDAY_1000 + dt.timedelta(days=1)):
        message = message_start(acting_user=parent, other=new, pupil=maya, body="Hello!")
    assert message.thread.teacher_id == new.pk
    assert Thread.objects.filter(parent=parent, pupil=maya).count() == 2
