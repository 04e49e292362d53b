"""R23: a teacher flags a parent's message; a leader decides with the thread in view — no
action, one formal warning (recorded, the parent told), or after a warning a suspension (R5)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import User
from messaging.models import Flag, Message, ParentWarning
from messaging.moderation import message_flag, parent_suspend, parent_warn
from messaging.services.messages import message_reply, message_start
from notifications.models import Kind, Notification
from tests.clock import at
from tests.conftest import client_for
from tests.factories import LeaderFactory, OfficeFactory, TeacherFactory, assign_teacher

pytestmark = pytest.mark.django_db

TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture
def rude(parent_with_child, teacher) -> Message:
    parent, child = parent_with_child
    with at(TUESDAY_1000):
        return message_start(
            acting_user=parent, other=teacher, pupil=child, body="You are useless"
        )


def test_R23_the_teacher_flags_a_parents_message_once(rude, teacher) -> None:
    response = client_for(teacher).post(
        reverse("messaging_flag", args=[rude.pk]), {"reason": "Rude"}
    )
    assert response.status_code == 302
    assert Flag.objects.get().flagged_by == teacher
    with pytest.raises(ValidationError, match="already with the school"):
        message_flag(acting_user=teacher, message=rude)


def test_R23_nobody_else_flags(rude, parent_with_child, school_class) -> None:
    parent, _child = parent_with_child
    colleague = assign_teacher(TeacherFactory(), school_class)
    assert client_for(colleague).post(reverse("messaging_flag", args=[rude.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        message_flag(acting_user=parent, message=rude)  # nor the parent, of their own message
    reply = message_reply(acting_user=teacher_of(rude), thread=rude.thread, body="Hello")
    with pytest.raises(PermissionDenied):
        message_flag(acting_user=teacher_of(rude), message=reply)  # only parents' messages
    assert not Flag.objects.exists()


def test_R23_leaders_see_the_queue_with_the_thread_others_get_404(rude, teacher) -> None:
    message_flag(acting_user=teacher, message=rude)
    html = client_for(LeaderFactory()).get(reverse("messaging_moderation")).content.decode()
    assert "You are useless" in html and "Flagged message" in html
    for other in (teacher, OfficeFactory(), rude.thread.parent):
        assert client_for(other).get(reverse("messaging_moderation")).status_code == 404


def test_R23_one_warning_then_suspension_everything_recorded(rude, teacher) -> None:
    leader = LeaderFactory()
    first = message_flag(acting_user=teacher, message=rude)
    parent = rude.thread.parent
    with pytest.raises(ValidationError, match="one formal warning before"):
        parent_suspend(acting_user=leader, flag=first, reason="Abuse")
    warning = parent_warn(acting_user=leader, flag=first, reason="Please keep messages polite.")
    assert warning.given_by == leader and ParentWarning.objects.filter(parent=parent).count() == 1
    assert Notification.objects.filter(recipient=parent, kind=Kind.WARNING).count() == 1
    first.refresh_from_db()
    assert (first.outcome, first.decided_by) == (Flag.Outcome.WARNING, leader)
    with at(TUESDAY_1000):
        again = message_reply(acting_user=parent, thread=rude.thread, body="Still useless")
    second = message_flag(acting_user=teacher, message=again)
    client_for(leader).post(
        reverse("messaging_decide", args=[second.pk]),
        {"action": "suspend", "reason": "Second breach", "confirm": "yes"},
    )
    parent.refresh_from_db()
    assert parent.is_suspended and parent.suspensions.get().reason == "Second breach"


def test_R23_a_warning_needs_a_reason_and_only_leaders_decide(rude, teacher) -> None:
    item = message_flag(acting_user=teacher, message=rude)
    with pytest.raises(ValidationError, match="reason"):
        parent_warn(acting_user=LeaderFactory(), flag=item, reason="  ")
    with pytest.raises(PermissionDenied):
        parent_warn(acting_user=teacher, flag=item, reason="No")
    assert (
        client_for(OfficeFactory()).post(reverse("messaging_decide", args=[item.pk])).status_code
        == 404
    )
    assert not ParentWarning.objects.exists()


def test_R23_a_decided_flag_is_not_decided_twice(rude, teacher) -> None:
    leader: User = LeaderFactory()
    item = message_flag(acting_user=teacher, message=rude)
    client_for(leader).post(reverse("messaging_decide", args=[item.pk]), {"action": "dismiss"})
    with pytest.raises(ValidationError, match="already been decided"):
        parent_warn(acting_user=leader, flag=item, reason="Late")
    item.refresh_from_db()
    assert item.outcome == Flag.Outcome.NO_ACTION


def teacher_of(message: Message) -> User:
    teacher = message.thread.teacher
    assert teacher is not None
    return teacher
