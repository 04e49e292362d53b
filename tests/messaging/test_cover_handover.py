"""R18, R21: when a cover window ends with a parent's question unanswered, the thread passes to
the class teacher, who sees the cover teacher's replies and inherits the reply-due time; the
parent is told who will answer (in their language, R32); the cover teacher is reminded of
nothing she can no longer answer. Beat's messaging sweep does it, once per cover."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse

from accounts.models import User
from classes.models import CoverAssignment, Pupil, SchoolClass
from messaging.handover import cover_hand_over, covers_hand_over
from messaging.models import CoverHandover, Message, Thread
from messaging.services.messages import message_reply, message_start
from messaging.tasks import sweep_notices
from notifications.models import Kind, Notification
from notifications.tasks import sweep_notifications
from tests.clock import LONDON, at
from tests.conftest import client_for
from tests.factories import CoverAssignmentFactory, ParentLinkFactory, TeacherFactory

pytestmark = pytest.mark.django_db

TUESDAY_1300 = dt.datetime(2026, 12, 1, 13, 0, tzinfo=LONDON)
TUESDAY_1310 = dt.datetime(2026, 12, 1, 13, 10, tzinfo=LONDON)
TUESDAY_1400 = dt.datetime(2026, 12, 1, 14, 0, tzinfo=LONDON)
TUESDAY_1500 = dt.datetime(2026, 12, 1, 15, 0, tzinfo=LONDON)
THURSDAY_1400 = dt.datetime(2026, 12, 3, 14, 0, tzinfo=LONDON)  # 48 working hours after 14:00
MINUTE = dt.timedelta(minutes=1)
REPLY = "New message from Mr Green about Maya"
TO_PARENT = "Mrs Patel will answer your message about Maya"
TO_TEACHER = "Sam Ellis's question about Maya is yours now: Mr Green's cover has ended"


def sweep(moment: dt.datetime) -> None:
    with at(moment):
        sweep_notices()
        sweep_notifications()


@pytest.fixture
def parent(parent_with_child) -> User:
    parent = parent_with_child[0]
    parent.first_name, parent.last_name = "Sam", "Ellis"
    parent.save()
    return parent


@pytest.fixture
def maya(parent_with_child) -> Pupil:
    return parent_with_child[1]


@pytest.fixture
def cover(school_class: SchoolClass) -> CoverAssignment:
    return CoverAssignmentFactory(
        teacher=TeacherFactory(title="Mr", last_name="Green"),
        school_class=school_class,
        starts_at=TUESDAY_1300,
        ends_at=TUESDAY_1500,
    )


def open_question(parent: User, cover: CoverAssignment, maya: Pupil) -> Message:
    """The parent writes to the cover teacher, who answers; the parent asks again at 14:00."""
    with at(TUESDAY_1310):
        first = message_start(acting_user=parent, other=cover.teacher, pupil=maya, body="Hi")
    with at(TUESDAY_1310 + MINUTE):
        message_reply(acting_user=cover.teacher, thread=first.thread, body="I will check.")
    sweep(TUESDAY_1310 + 2 * MINUTE)
    with at(TUESDAY_1400):
        question = message_reply(acting_user=parent, thread=first.thread, body="Any news?")
    sweep(TUESDAY_1400 + MINUTE)
    return question


def test_R18_R21_an_open_question_passes_to_the_class_teacher_when_the_cover_ends(
    school, parent, maya, teacher, cover, mailoutbox
) -> None:
    question = open_question(parent, cover, maya)
    due = question.reply_due_at
    assert due == THURSDAY_1400
    sweep(TUESDAY_1500 - MINUTE)  # the cover still runs: nothing moves
    assert Thread.objects.get(pk=question.thread_id).teacher == cover.teacher
    sweep(TUESDAY_1500)
    thread = Thread.objects.get(pk=question.thread_id)
    assert (thread.teacher, thread.covered_by) == (teacher, cover.teacher)
    question.refresh_from_db()
    assert question.reply_due_at == due  # the class teacher inherits the promise
    with at(TUESDAY_1500 + MINUTE):
        page = (
            client_for(teacher).get(reverse("messaging_thread", args=[thread.pk])).content.decode()
        )
        inbox = client_for(teacher).get(reverse("messaging_inbox")).content.decode()
    assert "I will check." in page and "Mr Green" in page and "Any news?" in page
    assert "passed to you when Mr Green" in page and "<form" in page
    assert "Maya" in inbox
    [to_parent] = Notification.objects.filter(recipient=parent, kind=Kind.HANDOVER)
    [to_teacher] = Notification.objects.filter(recipient=teacher, kind=Kind.HANDOVER)
    assert to_parent.link == to_teacher.link == reverse("messaging_thread", args=[thread.pk])
    assert [e.subject for e in mailoutbox if e.to == [parent.email]] == [REPLY, TO_PARENT]
    with at(TUESDAY_1500 + MINUTE):
        parent_page = client_for(parent).get(to_parent.link).content.decode()
    assert "cover has ended, so Mrs Patel will answer you here" in parent_page
    with at(TUESDAY_1500 + MINUTE):
        centre = client_for(teacher).get(reverse("notifications")).content.decode()
    assert TO_TEACHER in html.unescape(centre)


def test_R32_the_parent_is_told_who_will_answer_in_their_own_language(
    school, parent, maya, teacher, cover, mailoutbox
) -> None:
    parent.preferred_language = "pl"
    parent.save()
    open_question(parent, cover, maya)
    sweep(TUESDAY_1500)
    [_reply, email] = [e for e in mailoutbox if e.to == [parent.email]]
    assert email.subject == "Mrs Patel odpowie na Twoją wiadomość w sprawie: Maya"
    assert email.extra_headers["Content-Language"] == "pl"


def test_R21_the_cover_teacher_gets_no_reminder_the_class_teacher_does(
    school, parent, maya, teacher, cover, mailoutbox
) -> None:
    open_question(parent, cover, maya)
    sweep(TUESDAY_1500)
    sweep(THURSDAY_1400)
    reminders = Notification.objects.filter(kind=Kind.REPLY_OVERDUE)
    assert [n.recipient for n in reminders] == [teacher]
    assert not Notification.objects.filter(recipient=cover.teacher, kind=Kind.REPLY_OVERDUE)


def test_R21_with_no_class_teacher_the_thread_stays_and_nobody_is_reminded(
    school, parent, maya, cover, mailoutbox
) -> None:
    question = open_question(parent, cover, maya)  # the class has no teacher of its own
    sweep(TUESDAY_1500)
    sweep(THURSDAY_1400)
    assert Thread.objects.get(pk=question.thread_id).teacher == cover.teacher
    assert not Notification.objects.filter(kind__in=[Kind.REPLY_OVERDUE, Kind.HANDOVER])
    with at(THURSDAY_1400 + MINUTE):  # the leaders still see it overdue
        from messaging.overdue import overdue_replies

        assert [row.message for row in overdue_replies()] == [question]


def test_R18_an_answered_cover_thread_stays_with_the_cover_teacher(
    school, parent, maya, teacher, cover
) -> None:
    with at(TUESDAY_1310):
        first = message_start(acting_user=parent, other=cover.teacher, pupil=maya, body="Hi")
        message_reply(acting_user=cover.teacher, thread=first.thread, body="Answered.")
    sweep(TUESDAY_1500)
    assert Thread.objects.get(pk=first.thread_id).teacher == cover.teacher
    assert not Notification.objects.filter(kind=Kind.HANDOVER)
    assert CoverHandover.objects.get(cover=cover).threads == 0


def test_R18_a_cover_teacher_still_covering_keeps_the_thread_until_her_last_window_ends(
    school, parent, maya, teacher, cover
) -> None:
    CoverAssignmentFactory(
        teacher=cover.teacher,
        school_class=cover.school_class,
        starts_at=TUESDAY_1500,
        ends_at=TUESDAY_1500 + dt.timedelta(hours=1),
    )
    question = open_question(parent, cover, maya)
    sweep(TUESDAY_1500)
    assert Thread.objects.get(pk=question.thread_id).teacher == cover.teacher
    sweep(TUESDAY_1500 + dt.timedelta(hours=1))
    assert Thread.objects.get(pk=question.thread_id).teacher == teacher


def test_R18_the_question_joins_the_parents_own_thread_with_the_class_teacher(
    school, parent, maya, teacher, cover
) -> None:
    monday = dt.datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)
    with at(monday):
        own = message_start(acting_user=parent, other=teacher, pupil=maya, body="Monday")
    with at(monday + MINUTE):
        message_reply(acting_user=teacher, thread=own.thread, body="Thanks")
    question = open_question(parent, cover, maya)
    sweep(TUESDAY_1500)
    question.refresh_from_db()
    assert question.thread_id == own.thread_id
    bodies = list(
        Message.objects.filter(thread=own.thread)
        .order_by("sent_at", "pk")
        .values_list("body", flat=True)
    )
    assert bodies == ["Monday", "Thanks", "Hi", "I will check.", "Any news?"]
    # the parent's bell entry of Mr Green's reply leads to the thread it is in now
    cover_reply = Message.objects.get(body="I will check.")
    reply_notice = Notification.objects.get(recipient=parent, key=f"message:{cover_reply.pk}")
    assert reply_notice.link == reverse("messaging_thread", args=[own.thread_id])
    assert not Notification.objects.filter(recipient=cover.teacher)


def test_R18_the_hand_over_runs_once_however_often_the_sweep_runs(
    school, parent, maya, teacher, cover, mailoutbox
) -> None:
    open_question(parent, cover, maya)
    sweep(TUESDAY_1500)
    sweep(TUESDAY_1500 + MINUTE)
    with at(TUESDAY_1500 + 2 * MINUTE):
        assert covers_hand_over() == 0
        assert cover_hand_over(cover_id=cover.pk) == 0  # a second process's late claim
    assert CoverHandover.objects.filter(cover=cover).count() == 1
    assert Notification.objects.filter(kind=Kind.HANDOVER).count() == 2
    assert [e.subject for e in mailoutbox if e.to == [parent.email]] == [REPLY, TO_PARENT]


def test_R18_a_cover_not_yet_ended_is_not_handed_over_even_when_asked(
    school, parent, maya, teacher, cover
) -> None:
    question = open_question(parent, cover, maya)
    with at(TUESDAY_1400 + MINUTE):
        assert cover_hand_over(cover_id=cover.pk) == 0
    assert not CoverHandover.objects.exists()
    assert Thread.objects.get(pk=question.thread_id).teacher == cover.teacher


def test_R18_a_second_parents_question_in_the_same_cover_is_handed_over_too(
    school, parent, maya, teacher, cover
) -> None:
    other = ParentLinkFactory(pupil=maya).parent
    open_question(parent, cover, maya)
    with at(TUESDAY_1400):
        message_start(acting_user=other, other=cover.teacher, pupil=maya, body="Trip?")
    sweep(TUESDAY_1500)
    assert set(Thread.objects.filter(pupil=maya).values_list("teacher", flat=True)) == {teacher.pk}
    assert CoverHandover.objects.get(cover=cover).threads == 2
