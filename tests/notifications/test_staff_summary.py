"""Email that respects teachers (R31): a member of staff gets at most one email of each kind per
sweep, summarising what came in ("157 new messages from parents of Maya") with the portal's
link, and no more emails in a working day than the school's setting; the rest wait in the
portal. Parents still get one email per notification."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from accounts.models import User
from classes.models import Pupil
from messaging.models import Thread
from messaging.services.messages import message_reply, message_start
from messaging.tasks import sweep_notices
from notifications.models import Delivery, Kind, Notification
from notifications.tasks import sweep_notifications
from tests.clock import LONDON, at
from tests.factories import ParentLinkFactory, PupilFactory

pytestmark = pytest.mark.django_db

SATURDAY_1000 = dt.datetime(2026, 11, 28, 10, 0, tzinfo=LONDON)
MONDAY_0800 = dt.datetime(2026, 11, 30, 8, 0, tzinfo=LONDON)
MONDAY_0900 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)


def sweep(moment: dt.datetime) -> None:
    with at(moment):
        sweep_notices()
        sweep_notifications()


def sent_to(user: User) -> list[EmailMessage]:
    return [email for email in mail.outbox if email.to == [user.email]]


def write(parent: User, teacher: User, pupil: Pupil, count: int) -> None:
    """``count`` messages from the parent, in quiet time (Saturday)."""
    with at(SATURDAY_1000):
        first = message_start(acting_user=parent, other=teacher, pupil=pupil, body="Message 1")
        for number in range(2, count + 1):
            message_reply(acting_user=parent, thread=first.thread, body=f"Message {number}")


def test_R31_157_messages_released_at_0800_make_one_email_to_the_teacher(
    school, parent_with_child, teacher
) -> None:
    parent, child = parent_with_child
    write(parent, teacher, child, 157)
    sweep(SATURDAY_1000 + dt.timedelta(minutes=1))
    assert sent_to(teacher) == []  # quiet time
    sweep(MONDAY_0800)
    (email,) = sent_to(teacher)
    assert email.subject == "157 new messages from parents of Maya"
    body = str(email.body)
    assert "http://" in body and "/notifications/\n" in body  # the portal's link
    assert "and 147 more in the portal" in body
    told = Notification.objects.filter(recipient=teacher, kind=Kind.NEW_MESSAGE)
    assert told.count() == 157 and set(told.values_list("email_state", flat=True)) == {
        Delivery.SENT
    }
    sweep(MONDAY_0800 + dt.timedelta(minutes=1))
    assert len(sent_to(teacher)) == 1  # nothing is emailed twice


def test_R31_the_summary_names_the_children(school, parent_with_child, teacher) -> None:
    parent, child = parent_with_child
    write(parent, teacher, child, 2)
    for name in ("Rowan", "Amir", "Zofia"):
        link = ParentLinkFactory(
            pupil=PupilFactory(school_class=child.school_class, first_name=name)
        )
        write(link.parent, teacher, link.pupil, 1)
    sweep(MONDAY_0800)
    (email,) = sent_to(teacher)
    assert email.subject == "5 new messages from parents of Maya, Rowan, Amir and 1 other child"


def test_R31_one_message_is_told_as_ever(school, parent_with_child, teacher) -> None:
    parent, child = parent_with_child
    write(parent, teacher, child, 1)
    sweep(MONDAY_0800)
    (email,) = sent_to(teacher)
    assert email.subject.endswith(" wrote about Maya")


def test_R31_past_the_schools_daily_most_the_rest_waits_in_the_portal(
    school, parent_with_child, teacher
) -> None:
    school.staff_emails_per_day = 1
    school.save()  # as in the admin (the cached school is dropped)
    parent, child = parent_with_child
    write(parent, teacher, child, 3)
    sweep(MONDAY_0800)
    with at(MONDAY_0900):
        message_reply(
            acting_user=parent,
            thread=Thread.objects.get(),
            body="One more",
        )
    sweep(MONDAY_0900 + dt.timedelta(minutes=1))
    assert len(sent_to(teacher)) == 1
    late = Notification.objects.filter(recipient=teacher).order_by("-pk").first()
    assert late is not None and late.email_state == Delivery.CAPPED
    sweep(MONDAY_0900 + dt.timedelta(days=1))  # Tuesday: a new day's emails
    assert len(sent_to(teacher)) == 1  # what waited stays in the portal, not emailed late


def test_R31_parents_get_one_email_per_message(school, parent_with_child, teacher) -> None:
    parent, child = parent_with_child
    with at(MONDAY_0900):
        thread = message_start(acting_user=teacher, other=parent, pupil=child, body="One").thread
        message_reply(acting_user=teacher, thread=thread, body="Two")
    sweep(MONDAY_0900 + dt.timedelta(minutes=1))
    assert len(sent_to(parent)) == 2
