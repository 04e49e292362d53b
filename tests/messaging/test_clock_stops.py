"""Flags and suspension stop the clock (R21, R23, R5): a flagged message is due no reply and
nobody is reminded of it; a suspended parent's messages are due none, and the reminders about
them are withdrawn. The parent is emailed of the suspension (the office's number, what happens
next) in their own language, and of the reinstatement; a warning's email goes out even when a
suspension follows it seconds later."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from accounts.models import User
from accounts.services.suspensions import account_reinstate, account_suspend
from classes.models import Pupil
from messaging.models import Message
from messaging.moderation import flag_dismiss, message_flag, parent_suspend, parent_warn
from messaging.overdue import overdue_replies
from messaging.services.messages import message_start
from messaging.tasks import sweep_notices
from notifications.models import Kind, Notification
from notifications.tasks import sweep_notifications
from tests.clock import LONDON, at
from tests.factories import LeaderFactory, TeacherFactory

pytestmark = pytest.mark.django_db

TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)
THURSDAY_1000 = dt.datetime(2026, 12, 3, 10, 0, tzinfo=LONDON)  # Tuesday 10:00 + 48 working h
THURSDAY_1100 = dt.datetime(2026, 12, 3, 11, 0, tzinfo=LONDON)
FRIDAY_1000 = dt.datetime(2026, 12, 4, 10, 0, tzinfo=LONDON)
SUSPENDED = "The school has suspended your portal account"
WARNED = "The school has given you a formal warning"


def sweep(moment: dt.datetime) -> None:
    with at(moment):
        sweep_notices()
        sweep_notifications()


def sent_to(user: User) -> list[EmailMessage]:
    return [email for email in mail.outbox if email.to == [user.email]]


@pytest.fixture
def asked(school, parent_with_child: tuple[User, Pupil], teacher: User) -> Message:
    parent, child = parent_with_child
    with at(TUESDAY_1000):
        return message_start(acting_user=parent, other=teacher, pupil=child, body="You are rude")


def reminders() -> int:
    return Notification.objects.filter(kind=Kind.REPLY_OVERDUE).count()


def test_R23_a_flagged_message_is_due_no_reply_and_nobody_is_reminded(asked, teacher) -> None:
    with at(TUESDAY_1000):
        message_flag(acting_user=teacher, message=asked)
    asked.refresh_from_db()
    assert asked.reply_due_at is None
    sweep(THURSDAY_1100)
    assert reminders() == 0 and overdue_replies(now=THURSDAY_1100) == []


def test_R23_a_reminder_already_made_is_withdrawn_by_the_flag(asked, teacher) -> None:
    sweep(THURSDAY_1000)
    assert reminders() == 1
    with at(THURSDAY_1100):
        message_flag(acting_user=teacher, message=asked)
    assert reminders() == 0


def test_R21_a_flag_that_needs_no_action_is_due_a_reply_from_the_decision(asked, teacher) -> None:
    with at(TUESDAY_1000):
        flag = message_flag(acting_user=teacher, message=asked)
    with at(THURSDAY_1000):
        flag_dismiss(acting_user=LeaderFactory(), flag=flag)
    asked.refresh_from_db()
    # Thursday 10:00 + 48 hours counted on working days only: Monday 10:00
    assert asked.reply_due_at == dt.datetime(2026, 12, 7, 10, 0, tzinfo=LONDON)
    sweep(FRIDAY_1000)
    assert reminders() == 0


def _warn_then_suspend(asked: Message, teacher: User, moment: dt.datetime) -> User:
    leader = LeaderFactory()
    parent = asked.thread.parent
    assert parent is not None
    with at(moment):
        first = message_flag(acting_user=teacher, message=asked)
        parent_warn(acting_user=leader, flag=first, reason="Please keep messages polite.")
        again = message_start(
            acting_user=parent,
            other=teacher,
            pupil=asked.thread.pupil,
            body="Still rude",
        )
        second = message_flag(acting_user=teacher, message=again)
    with at(moment + dt.timedelta(seconds=5)):
        parent_suspend(acting_user=leader, flag=second, reason="A second breach")
    parent.refresh_from_db()
    assert parent.is_suspended
    return parent


def test_R23_the_warning_email_goes_out_though_the_suspension_follows_seconds_later(
    asked, teacher
) -> None:
    parent = _warn_then_suspend(asked, teacher, TUESDAY_1000)
    sweep(TUESDAY_1000 + dt.timedelta(minutes=1))
    subjects = sorted(email.subject for email in sent_to(parent))
    assert subjects == [WARNED, SUSPENDED]


def test_R5_the_suspended_parent_is_emailed_the_office_number_and_what_happens_next(
    asked, teacher
) -> None:
    parent = _warn_then_suspend(asked, teacher, TUESDAY_1000)
    sweep(TUESDAY_1000 + dt.timedelta(minutes=1))
    (email,) = [email for email in sent_to(parent) if email.subject == SUSPENDED]
    body = str(email.body)
    assert "phone the school office on 01302 555 0100" in body
    assert "you will get an email when your account is reinstated" in body
    assert "/notifications/" not in body  # a suspended parent cannot follow a portal link


def test_R32_the_suspension_email_is_in_the_parents_language(asked, teacher) -> None:
    parent = asked.thread.parent
    assert parent is not None
    User.objects.filter(pk=parent.pk).update(preferred_language="pl")
    _warn_then_suspend(asked, teacher, TUESDAY_1000)
    sweep(TUESDAY_1000 + dt.timedelta(minutes=1))
    (email,) = [
        email
        for email in sent_to(parent)
        if email.extra_headers["Content-Language"] == "pl" and "01302 555 0100" in str(email.body)
    ]
    assert email.subject != SUSPENDED and "sekretariat" in str(email.body).lower()


def test_R23_suspension_stops_the_clock_and_withdraws_the_reminders(asked, teacher) -> None:
    sweep(THURSDAY_1000)  # the first message is overdue: its teacher is reminded
    assert reminders() == 1
    parent = _warn_then_suspend(asked, teacher, THURSDAY_1000 + dt.timedelta(minutes=2))
    assert reminders() == 0
    assert not Message.objects.filter(thread__parent=parent, reply_due_at__isnull=False).exists()
    sweep(dt.datetime(2026, 12, 8, 12, 0, tzinfo=LONDON))  # past the second message's due time
    assert reminders() == 0 and overdue_replies(now=FRIDAY_1000) == []


def test_R5_reinstatement_is_told_by_email(asked, teacher) -> None:
    parent = _warn_then_suspend(asked, teacher, TUESDAY_1000)
    sweep(TUESDAY_1000 + dt.timedelta(minutes=1))
    with at(FRIDAY_1000):
        account_reinstate(acting_user=LeaderFactory(), user=parent)
    sweep(FRIDAY_1000 + dt.timedelta(minutes=1))
    (email,) = [e for e in sent_to(parent) if e.subject == "Your portal account is open again"]
    assert "You can sign in to the school portal again" in str(email.body)


def test_R5_a_suspended_member_of_staff_is_emailed_in_words_for_staff(school) -> None:
    colleague = TeacherFactory()
    with at(TUESDAY_1000):
        account_suspend(acting_user=LeaderFactory(), user=colleague, reason="Investigation")
    sweep(TUESDAY_1000 + dt.timedelta(minutes=1))
    (email,) = sent_to(colleague)
    assert email.subject == SUSPENDED
    assert "To talk about it, phone the school office on 01302 555 0100." in str(email.body)
    assert "your child" not in str(email.body)
