"""Messaging between a parent and their child's teacher: who may write to whom (R18), quiet
time and delivery at the next working start (R19), honest receipts (R20), the reply due time
(R21); messages are never deleted, only withdrawn within 5 minutes."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import User
from classes.models import Pupil
from messaging.models import Message, Thread
from messaging.permissions import may_message
from messaging.selectors import inbox
from messaging.services.messages import message_reply, message_start, message_withdraw
from tests.clock import at
from tests.conftest import client_for, pupil_client_for
from tests.factories import (
    CoverAssignmentFactory,
    LeaderFactory,
    OfficeFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    SupportFactory,
    TeacherFactory,
    UserFactory,
    assign_support,
    assign_teacher,
)

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
SATURDAY = dt.datetime(2026, 11, 28, 10, 0, tzinfo=LONDON)
MONDAY_0800 = dt.datetime(2026, 11, 30, 8, 0, tzinfo=LONDON)
TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)


@pytest.fixture
def maya(parent_with_child) -> Pupil:
    return parent_with_child[1]


@pytest.fixture
def parent(parent_with_child) -> User:
    return parent_with_child[0]


# R18: who may write to whom


def test_R18_a_parent_may_message_their_childs_class_teacher(parent, teacher, maya) -> None:
    assert may_message(parent, teacher, maya)
    with at(TUESDAY_1000):
        message = message_start(acting_user=parent, other=teacher, pupil=maya, body="Hello")
    assert message.thread.teacher == teacher and message.from_parent


def test_R18_a_teacher_of_another_class_is_refused_with_the_office_named(
    school, parent, maya
) -> None:
    other = assign_teacher(TeacherFactory(), SchoolClassFactory())
    with pytest.raises(PermissionDenied) as error:
        message_start(acting_user=parent, other=other, pupil=maya, body="Hello")
    assert "school office on 01302 555 0100" in str(error.value)
    assert not Message.objects.exists()


def test_R18_cover_teacher_only_during_the_cover_window(parent, maya, school_class) -> None:
    cover = CoverAssignmentFactory(school_class=school_class)
    assert may_message(parent, cover.teacher, maya)
    later = cover.ends_at + dt.timedelta(minutes=1)
    assert not may_message(parent, cover.teacher, maya, at=later)


def test_R18_support_staff_only_when_the_school_allows(school, parent, maya, school_class) -> None:
    support = assign_support(SupportFactory(), school_class)
    assert not may_message(parent, support, maya)
    school.support_staff_messaging = True
    school.save()
    assert may_message(parent, support, maya)


def test_R18_a_parent_of_another_child_cannot_write_about_maya(teacher, maya) -> None:
    stranger = ParentLinkFactory(pupil=PupilFactory()).parent
    assert not may_message(stranger, teacher, maya)


@pytest.mark.parametrize("make", [OfficeFactory, LeaderFactory])
def test_R18_office_and_leaders_have_no_inbox(make) -> None:
    assert client_for(make()).get(reverse("messaging_inbox")).status_code == 404


def test_R18_pupils_have_no_messaging_anywhere(maya) -> None:
    user = UserFactory(role="pupil", email=None)
    maya.user = user
    maya.save()
    client = pupil_client_for(user)
    for name in ("messaging_inbox", "messaging_start"):
        assert client.get(reverse(name)).status_code == 404


def test_R18_a_thread_of_another_family_is_404(parent, teacher, maya) -> None:
    with at(TUESDAY_1000):
        message = message_start(acting_user=parent, other=teacher, pupil=maya, body="Hello")
    other_parent = ParentLinkFactory(pupil=maya).parent  # even the other parent of Maya
    url = reverse("messaging_thread", args=[message.thread_id])
    assert client_for(other_parent).get(url).status_code == 404
    assert client_for(other_parent).post(url, {"body": "Hi"}).status_code == 404


def test_R18_the_compose_page_offers_only_allowed_people(parent, teacher, maya) -> None:
    other = assign_teacher(TeacherFactory(last_name="Zed"), SchoolClassFactory())
    html = client_for(parent).get(reverse("messaging_start")).content.decode()
    assert teacher.display_name in html and other.display_name not in html
    forged = client_for(parent).post(
        reverse("messaging_start"), {"to": f"{maya.pk}-{other.pk}", "body": "Hi"}
    )
    assert forged.status_code == 400 and not Message.objects.exists()


# R19, R20, R21: quiet time, delivery, receipts, reply due


def test_R19_a_saturday_message_is_stored_at_once_and_delivered_monday_0800(
    school, parent, teacher, maya
) -> None:
    with at(SATURDAY):
        message = message_start(acting_user=parent, other=teacher, pupil=maya, body="Trip form?")
        page = client_for(parent).get(reverse("messaging_thread", args=[message.thread_id]))
        teacher_inbox = inbox(teacher)
    assert message.deliver_at == MONDAY_0800
    assert "will be delivered at 08:00 on Monday" in page.content.decode()
    assert "a reply can be expected by Wednesday 08:00" in page.content.decode()  # R21
    assert teacher_inbox == []  # nothing shows to the teacher before 08:00 Monday
    with at(MONDAY_0800):
        rows = inbox(teacher)
    assert [t.pk for t in rows] == [message.thread_id]
    assert rows[0].unread == 1


def test_R21_reply_due_two_working_days_after_delivery(school, parent, teacher, maya) -> None:
    with at(SATURDAY):
        message = message_start(acting_user=parent, other=teacher, pupil=maya, body="Trip form?")
    assert message.reply_due_at == dt.datetime(2026, 12, 2, 8, 0, tzinfo=LONDON)  # Wednesday
    with at(MONDAY_0800):
        html = client_for(teacher).get(reverse("messaging_inbox")).content.decode()
    assert "reply due Wed 08:00" in html
    with at(MONDAY_0800 + dt.timedelta(hours=1)):
        message_reply(acting_user=teacher, thread=message.thread, body="Yes, by Friday.")
    message.refresh_from_db()
    assert message.reply_due_at is None


def test_R20_opening_in_working_time_marks_seen_and_the_parent_sees_it(
    school, parent, teacher, maya
) -> None:
    with at(SATURDAY):
        message = message_start(acting_user=parent, other=teacher, pupil=maya, body="Hello")
    url = reverse("messaging_thread", args=[message.thread_id])
    seen_time = dt.datetime(2026, 11, 30, 9, 14, tzinfo=LONDON)
    with at(seen_time):
        client_for(teacher).get(url)
        html = client_for(parent).get(url).content.decode()
    message.refresh_from_db()
    assert message.seen_at == seen_time
    assert "delivered 08:00" in html and "seen 09:14" in html


def test_R20_opening_in_quiet_time_does_not_mark_seen_unless_the_teacher_chooses(
    school, parent, teacher, maya
) -> None:
    with at(TUESDAY_1000):
        message = message_start(acting_user=parent, other=teacher, pupil=maya, body="Hello")
    url = reverse("messaging_thread", args=[message.thread_id])
    evening = dt.datetime(2026, 12, 1, 20, 0, tzinfo=LONDON)
    client = client_for(teacher)
    with at(evening):
        html = client.get(url).content.decode()
    message.refresh_from_db()
    assert message.seen_at is None and "It is quiet time" in html
    with at(evening):
        client.post(reverse("messaging_mark_seen", args=[message.thread_id]))
    message.refresh_from_db()
    assert message.seen_at == evening


# The record: withdrawn, never deleted; bad input


def test_a_message_is_withdrawn_within_5_minutes_and_stays_as_withdrawn(
    parent, teacher, maya
) -> None:
    with at(TUESDAY_1000):
        message = message_start(acting_user=parent, other=teacher, pupil=maya, body="Oops")
    with at(TUESDAY_1000 + dt.timedelta(minutes=4)):
        message_withdraw(acting_user=parent, message=message)
        html = client_for(teacher).get(reverse("messaging_thread", args=[message.thread_id]))
    assert Message.objects.filter(pk=message.pk, withdrawn_at__isnull=False).exists()
    assert "Message withdrawn" in html.content.decode() and "Oops" not in html.content.decode()
    second = message_reply(acting_user=parent, thread=message.thread, body="Later")
    with at(second.sent_at + dt.timedelta(minutes=6)), pytest.raises(ValidationError):
        message_withdraw(acting_user=parent, message=second)
    with pytest.raises(PermissionDenied):
        message_withdraw(acting_user=teacher, message=second)


@pytest.mark.parametrize(
    ("body", "text"), [("   ", "Write a message"), ("x" * 20_000, "Keep a message")]
)
def test_empty_or_huge_messages_are_refused_and_nothing_is_stored(
    parent, teacher, maya, body, text
) -> None:
    with pytest.raises(ValidationError, match=text):
        message_start(acting_user=parent, other=teacher, pupil=maya, body=body)
    assert not Thread.objects.exists() and not Message.objects.exists()


def test_inbox_and_thread_are_a_fixed_number_of_queries(school, parent, teacher, maya) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with at(TUESDAY_1000):
        first = message_start(acting_user=parent, other=teacher, pupil=maya, body="One")

    def count(url: str) -> int:
        client = client_for(teacher)
        with at(TUESDAY_1000 + dt.timedelta(hours=1)):
            client.get(url)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
        return len([q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]])

    urls = [reverse("messaging_inbox"), reverse("messaging_thread", args=[first.thread_id])]
    small = [count(url) for url in urls]
    with at(TUESDAY_1000):
        for n in range(199):
            message_reply(acting_user=parent, thread=first.thread, body=f"Message {n}")
        for _ in range(5):
            other = ParentLinkFactory(pupil=PupilFactory(school_class=maya.school_class)).parent
            message_start(
                acting_user=other, other=teacher, pupil=other.parent_links.get().pupil, body="Hi"
            )
    large = [count(url) for url in urls]
    assert small == large
    # With the session and the user: the inbox 4; the thread 8 (the thread, R18's check, the
    # messages, their photos, the child's name, marking seen).
    assert large == [4, 8], large
