"""Notifications of messaging: the sweep records a notice for each delivered message and, in
working time, one reminder for an overdue reply (R21); staff are emailed only in working time
(R19, R31), parents at any time; emails name the child by display name only (R6) and carry no
message text. In the portal: notices with mark-as-read, and the leaders' overdue list."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from classes.models import Pupil, SchoolClass
from messaging.models import Message, Notice, NoticeKind, Thread
from messaging.moderation import message_flag, parent_warn
from messaging.notices import notice_counts, notices_sweep
from messaging.services import message_reply, message_start, message_withdraw
from messaging.tasks import sweep_notices
from messaging.views_notices import ALL_MARKED_READ, MARKED_READ, notice_badge
from tests.conftest import client_for, pupil_client_for
from tests.factories import (
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
THURSDAY_1000 = dt.datetime(2026, 12, 3, 10, 0, tzinfo=LONDON)  # Tuesday 10:00 + 48 working h
FRIDAY_0800 = dt.datetime(2026, 12, 4, 8, 0, tzinfo=LONDON)
MINUTE = dt.timedelta(minutes=1)


def at(moment: dt.datetime):
    """Freeze the clock the services, the sweep and the views read."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def sweep(moment: dt.datetime) -> None:
    """What beat does every minute (Celery is eager in tests: the emails go at once)."""
    with at(moment):
        sweep_notices()


def send(parent: User, teacher: User, pupil: Pupil, moment: dt.datetime, body: str = "Hello"):
    with at(moment):
        return message_start(acting_user=parent, other=teacher, pupil=pupil, body=body)


def thread_link(thread_id: int) -> str:
    return settings.SITE_URL + reverse("messaging_thread", args=[thread_id])


@pytest.fixture
def maya(parent_with_child) -> Pupil:
    return parent_with_child[1]


@pytest.fixture
def parent(parent_with_child) -> User:
    parent = parent_with_child[0]
    parent.first_name, parent.last_name = "Sam", "Ellis"
    parent.save()
    return parent


# R19: new messages, and staff never emailed in quiet time


def test_R19_a_saturday_message_is_notified_to_the_teacher_at_0800_monday_not_before(
    school, parent, teacher, maya, mailoutbox
) -> None:
    message = send(parent, teacher, maya, SATURDAY, body="Is the trip on Friday?")
    sweep(SATURDAY + MINUTE)
    sweep(MONDAY_0800 - MINUTE)
    assert not Notice.objects.exists() and mailoutbox == []
    sweep(MONDAY_0800)
    notice = Notice.objects.get()
    assert (notice.recipient, notice.kind, notice.message) == (
        teacher,
        NoticeKind.NEW_MESSAGE,
        message,
    )
    [email] = mailoutbox
    assert email.to == [teacher.email]
    assert email.subject == "New message from Sam Ellis"
    assert "Sam Ellis has sent you a message about Maya." in email.body
    assert thread_link(message.thread_id) in email.body
    assert "trip" not in email.subject + email.body  # no message text in an email
    sweep(MONDAY_0800 + MINUTE)
    assert len(mailoutbox) == 1 and Notice.objects.count() == 1


def test_R19_staff_are_not_emailed_in_quiet_time_their_notice_waits_for_0800(
    school, parent, teacher, maya, mailoutbox
) -> None:
    friday_1659 = dt.datetime(2026, 12, 4, 16, 59, tzinfo=LONDON)
    send(parent, teacher, maya, friday_1659)  # working time: delivered at once
    sweep(friday_1659 + MINUTE)  # 17:00, quiet time: the first sweep after it
    sweep(dt.datetime(2026, 12, 5, 11, 0, tzinfo=LONDON))  # Saturday
    notice = Notice.objects.get()
    assert notice.emailed_at is None and mailoutbox == []
    monday = dt.datetime(2026, 12, 7, 8, 0, tzinfo=LONDON)
    sweep(monday)
    sweep(monday + MINUTE)
    notice.refresh_from_db()
    assert notice.emailed_at == monday
    assert [email.to for email in mailoutbox] == [[teacher.email]]


def test_R31_a_parent_is_emailed_at_once_even_in_quiet_time_in_their_language(
    school, parent, teacher, maya, mailoutbox
) -> None:
    message = send(parent, teacher, maya, TUESDAY_1000)
    parent.preferred_language = "es"
    parent.save()
    evening = dt.datetime(2026, 12, 1, 17, 30, tzinfo=LONDON)
    with at(evening):
        reply = message_reply(acting_user=teacher, thread=message.thread, body="Yes, it is.")
    sweep(evening + MINUTE)
    to_parent = [email for email in mailoutbox if email.to == [parent.email]]
    assert Notice.objects.filter(recipient=parent, message=reply).exists()
    [email] = to_parent
    assert email.subject == "New message from your child's teacher"
    assert email.extra_headers["Content-Language"] == "es"
    assert "martes 1 diciembre, 17:30" in email.body  # the date in Spanish
    assert "Yes, it is" not in email.body and "Patel" not in email.body
    assert thread_link(message.thread_id) in email.body


def test_R6_emails_name_the_child_by_display_name_only(
    school, parent, teacher, maya, mailoutbox
) -> None:
    maya.surname = "Kowalski"
    maya.save()
    PupilFactory(school_class=maya.school_class, first_name="Maya", surname="Khan")
    send(parent, teacher, maya, TUESDAY_1000, body="Maya Kowalski forgot her bag")
    sweep(TUESDAY_1000 + MINUTE)
    [email] = mailoutbox
    assert "about Maya Ko." in email.body
    assert "Kowalski" not in email.subject + email.body


def test_R19_a_withdrawn_message_is_not_notified(school, parent, teacher, maya, mailoutbox):
    message = send(parent, teacher, maya, TUESDAY_1000)
    with at(TUESDAY_1000 + dt.timedelta(seconds=30)):
        message_withdraw(acting_user=parent, message=message)
    sweep(TUESDAY_1000 + MINUTE)
    sweep(THURSDAY_1000 + MINUTE)
    assert not Notice.objects.exists() and mailoutbox == []


def test_a_message_to_the_office_inbox_makes_no_teacher_notice(school, parent, maya) -> None:
    thread = Thread.objects.create(parent=parent, pupil=maya, topic="absence")
    Message.objects.create(
        thread=thread,
        author=parent,
        from_parent=True,
        body="She is off sick",
        language="en-gb",
        sent_at=TUESDAY_1000,
        deliver_at=TUESDAY_1000,
    )
    sweep(TUESDAY_1000 + MINUTE)
    assert not Notice.objects.exists()


def test_R31_the_offices_answer_is_notified_to_the_parent_as_from_the_office(
    school, parent, maya, mailoutbox
) -> None:
    thread = Thread.objects.create(parent=parent, pupil=maya, topic="absence")
    Message.objects.create(
        thread=thread,
        author=OfficeFactory(),
        from_parent=False,
        body="Thank you, noted.",
        language="en-gb",
        sent_at=TUESDAY_1000,
        deliver_at=TUESDAY_1000,
    )
    sweep(TUESDAY_1000 + MINUTE)
    [email] = mailoutbox
    assert email.subject == "New message from the school office"


# R21: one reminder, in working time, never twice


def test_R21_an_overdue_reply_gets_one_reminder_never_twice(
    school, parent, teacher, maya, mailoutbox
) -> None:
    message = send(parent, teacher, maya, TUESDAY_1000)
    sweep(TUESDAY_1000 + MINUTE)  # the new message's email
    sweep(THURSDAY_1000 - MINUTE)
    assert not Notice.objects.filter(kind=NoticeKind.REPLY_OVERDUE).exists()
    sweep(THURSDAY_1000 + MINUTE)
    sweep(THURSDAY_1000 + 2 * MINUTE)
    sweep(FRIDAY_0800)
    reminder = Notice.objects.get(kind=NoticeKind.REPLY_OVERDUE)
    assert (reminder.recipient, reminder.message) == (teacher, message)
    message.refresh_from_db()
    assert message.reminded_at == THURSDAY_1000 + MINUTE
    assert [email.subject for email in mailoutbox] == [
        "New message from Sam Ellis",
        "Reply overdue: message from Sam Ellis",
    ]
    assert "was due a reply by Thursday 3 December, 10:00" in mailoutbox[1].body
    assert "This is the only reminder" in mailoutbox[1].body


def test_R21_an_overdue_reply_found_in_quiet_time_is_reminded_at_the_next_working_start(
    school, parent, teacher, maya, mailoutbox
) -> None:
    message = send(parent, teacher, maya, TUESDAY_1000)
    sweep(TUESDAY_1000 + MINUTE)
    sweep(dt.datetime(2026, 12, 3, 18, 0, tzinfo=LONDON))  # beat was down until the evening
    message.refresh_from_db()
    assert message.reminded_at is None and len(mailoutbox) == 1
    sweep(FRIDAY_0800)
    message.refresh_from_db()
    assert message.reminded_at == FRIDAY_0800
    assert mailoutbox[-1].subject == "Reply overdue: message from Sam Ellis"
    assert len(mailoutbox) == 2


def test_R21_a_staff_reply_in_time_means_no_reminder(school, parent, teacher, maya) -> None:
    message = send(parent, teacher, maya, TUESDAY_1000)
    with at(TUESDAY_1000 + dt.timedelta(hours=3)):
        message_reply(acting_user=teacher, thread=message.thread, body="Yes.")
    sweep(THURSDAY_1000 + MINUTE)
    assert not Notice.objects.filter(kind=NoticeKind.REPLY_OVERDUE).exists()


def test_R21_several_unanswered_messages_in_a_thread_give_one_reminder(
    school, parent, teacher, maya
) -> None:
    first = send(parent, teacher, maya, TUESDAY_1000)
    for minutes in (1, 2):
        with at(TUESDAY_1000 + minutes * MINUTE):
            message_reply(acting_user=parent, thread=first.thread, body=f"And {minutes}")
    sweep(THURSDAY_1000 + 5 * MINUTE)
    assert list(Notice.objects.filter(kind=NoticeKind.REPLY_OVERDUE)) == [
        Notice.objects.get(message=first, kind=NoticeKind.REPLY_OVERDUE)
    ]
    assert not Message.objects.filter(from_parent=True, reminded_at__isnull=True).exists()


def test_R21_a_reminder_answered_before_its_email_is_not_sent(
    school, parent, teacher, maya, mailoutbox
) -> None:
    message = send(parent, teacher, maya, TUESDAY_1000)
    sweep(TUESDAY_1000 + MINUTE)
    with at(THURSDAY_1000 + MINUTE):
        notices_sweep()  # the reminder is recorded, its email not sent yet
        message_reply(acting_user=teacher, thread=message.thread, body="Sorry, yes.")
    sweep(THURSDAY_1000 + 2 * MINUTE)
    assert Notice.objects.filter(kind=NoticeKind.REPLY_OVERDUE).count() == 1
    to_teacher = [email.subject for email in mailoutbox if email.to == [teacher.email]]
    assert to_teacher == ["New message from Sam Ellis"]


# Bad cases: failures, accounts that cannot be emailed


def test_a_failed_send_is_retried_by_the_next_sweep_and_sent_once(
    school, parent, teacher, maya, mailoutbox
) -> None:
    send(parent, teacher, maya, TUESDAY_1000)
    real = mail.get_connection().__class__.send_messages
    failures = iter([OSError("mail server away")])

    def flaky(backend, messages):
        error = next(failures, None)
        if error:
            raise error
        return real(backend, messages)

    with mock.patch.object(mail.get_connection().__class__, "send_messages", flaky):
        sweep(TUESDAY_1000 + MINUTE)
        assert Notice.objects.get().emailed_at is None and mailoutbox == []
        sweep(TUESDAY_1000 + 2 * MINUTE)
        sweep(TUESDAY_1000 + 3 * MINUTE)
    assert len(mailoutbox) == 1
    assert Notice.objects.get().emailed_at == TUESDAY_1000 + 2 * MINUTE


def test_a_deactivated_or_suspended_account_is_not_emailed(
    school, parent, teacher, maya, mailoutbox
) -> None:
    message = send(parent, teacher, maya, TUESDAY_1000)
    teacher.is_active = False
    teacher.save()
    sweep(TUESDAY_1000 + MINUTE)
    with at(TUESDAY_1000 + 2 * MINUTE):
        Message.objects.create(
            thread=message.thread,
            author=teacher,
            from_parent=False,
            body="Noted",
            language="en-gb",
            deliver_at=TUESDAY_1000 + 2 * MINUTE,
        )
    User.objects.filter(pk=parent.pk).update(is_suspended=True)
    sweep(TUESDAY_1000 + 3 * MINUTE)
    assert Notice.objects.count() == 2  # both recorded for the portal
    assert mailoutbox == []


def test_R23_a_warned_parent_is_emailed_once_without_the_reason_and_reads_it_in_the_portal(
    school, parent, teacher, maya, mailoutbox
) -> None:
    message = send(parent, teacher, maya, TUESDAY_1000)
    flag = message_flag(acting_user=teacher, message=message)
    parent_warn(acting_user=LeaderFactory(), flag=flag, reason="Please keep messages polite.")
    sweep(dt.datetime(2026, 12, 1, 20, 0, tzinfo=LONDON))
    sweep(dt.datetime(2026, 12, 1, 20, 1, tzinfo=LONDON))
    to_parent = [email for email in mailoutbox if email.to == [parent.email]]
    [email] = to_parent
    assert email.subject == "A message from New Village Primary about your use of the portal"
    assert "polite" not in email.body
    assert settings.SITE_URL + reverse("messaging_notices") in email.body
    assert "01302 555 0100" in email.body
    html = client_for(parent).get(reverse("messaging_notices")).content.decode()
    assert "A formal warning from the school: Please keep messages polite." in html


# The portal: notices, counts, mark as read


def test_R31_the_notices_page_lists_notices_linking_to_the_thread_and_marks_them_read(
    school, parent, teacher, maya
) -> None:
    message = send(parent, teacher, maya, TUESDAY_1000)
    with at(TUESDAY_1000 + MINUTE):
        message_reply(acting_user=teacher, thread=message.thread, body="Hi")
    sweep(TUESDAY_1000 + 2 * MINUTE)
    client = client_for(parent)
    notice = Notice.objects.get(recipient=parent)
    with at(TUESDAY_1000 + 3 * MINUTE):
        html = client.get(reverse("messaging_notices")).content.decode()
        response = client.post(reverse("messaging_notice_read", args=[notice.pk]), follow=True)
    assert "New message from Mrs Patel about Maya" in html
    assert reverse("messaging_thread", args=[message.thread_id]) in html
    assert "1 unread notice" in html and "1 unread message" in html
    assert str(MARKED_READ) in response.content.decode()
    assert "0 unread notices" in response.content.decode()
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_R31_mark_as_read_is_a_post_for_the_recipient_only(school, parent, teacher, maya) -> None:
    send(parent, teacher, maya, TUESDAY_1000)
    sweep(TUESDAY_1000 + MINUTE)
    notice = Notice.objects.get()
    url = reverse("messaging_notice_read", args=[notice.pk])
    assert client_for(teacher).get(url).status_code == 405
    colleague = assign_teacher(TeacherFactory(), maya.school_class)
    assert client_for(colleague).post(url).status_code == 404
    assert client_for(parent).post(url).status_code == 404
    missing = reverse("messaging_notice_read", args=[notice.pk + 1000])
    assert client_for(teacher).post(missing).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_R31_mark_all_read_and_reading_the_thread_clear_the_count(
    school, parent, teacher, maya
) -> None:
    message = send(parent, teacher, maya, TUESDAY_1000)
    second = send(
        ParentLinkFactory(pupil=PupilFactory(school_class=maya.school_class)).parent,
        teacher,
        Pupil.objects.exclude(pk=maya.pk).get(),
        TUESDAY_1000,
    )
    sweep(TUESDAY_1000 + MINUTE)
    with at(TUESDAY_1000 + 2 * MINUTE):
        assert notice_counts(teacher).notices == 2
        client_for(teacher).get(reverse("messaging_thread", args=[message.thread_id]))
        assert notice_counts(teacher) == type(notice_counts(teacher))(notices=1, messages=1)
        response = client_for(teacher).post(reverse("messaging_notices_read_all"), follow=True)
    assert str(ALL_MARKED_READ) in response.content.decode()
    assert notice_counts(teacher).notices == 0
    assert Notice.objects.get(message=second).read_at is not None


def test_the_bell_counts_are_lazy_and_only_for_people_with_notices(
    school, parent, teacher, maya
) -> None:
    send(parent, teacher, maya, TUESDAY_1000)
    sweep(TUESDAY_1000 + MINUTE)
    request = RequestFactory().get("/")
    request.user = teacher
    with CaptureQueriesContext(connection) as queries:
        badge = notice_badge(request)["notice_badge"]
    assert len(queries) == 0
    with at(TUESDAY_1000 + 2 * MINUTE):
        counts = badge()  # type: ignore[operator]
        assert badge() is counts  # type: ignore[operator]
    assert (counts.notices, counts.messages, counts.total) == (1, 1, 2)
    request.user = LeaderFactory()
    assert notice_badge(request)["notice_badge"]() is None  # type: ignore[operator]


@pytest.mark.parametrize(
    ("make", "status"),
    [
        (lambda: OfficeFactory(), 404),
        (lambda: LeaderFactory(), 404),
        (lambda: SupportFactory(), 404),
        (lambda: ParentLinkFactory().parent, 200),
        (lambda: TeacherFactory(), 200),
    ],
)
def test_R31_who_has_a_notices_page(school, make, status) -> None:
    assert client_for(make()).get(reverse("messaging_notices")).status_code == status


def test_R31_support_staff_have_notices_only_where_the_school_allows_messaging(
    school, school_class
) -> None:
    support = assign_support(SupportFactory(), school_class)
    url = reverse("messaging_notices")
    assert client_for(support).get(url).status_code == 404
    school.support_staff_messaging = True
    school.save()
    assert client_for(support).get(url).status_code == 200


def test_R31_pupils_have_no_notices(maya) -> None:
    user = UserFactory(role="pupil", email=None)
    maya.user = user
    maya.save()
    client = pupil_client_for(user)
    for name in ("messaging_notices", "messaging_overdue"):
        assert client.get(reverse(name)).status_code == 404


# Leaders: the overdue list (R21)


def overdue_family(school_class: SchoolClass, teacher: User, first_name: str, moment):
    pupil = PupilFactory(school_class=school_class, first_name=first_name, surname="Zebedee")
    parent = ParentLinkFactory(pupil=pupil).parent
    return send(parent, teacher, pupil, moment)


def test_R21_leaders_see_overdue_replies_oldest_first_with_display_names(
    school, parent, teacher, maya
) -> None:
    other_class = SchoolClassFactory(name="Ash")
    other_teacher = assign_teacher(TeacherFactory(title="Mr", last_name="Okafor"), other_class)
    overdue_family(other_class, other_teacher, "Noah", TUESDAY_1000 + dt.timedelta(hours=1))
    overdue_family(maya.school_class, teacher, "Ivy", TUESDAY_1000)
    answered = send(parent, teacher, maya, TUESDAY_1000)
    with at(TUESDAY_1000 + MINUTE):
        message_reply(acting_user=teacher, thread=answered.thread, body="Yes")
    friday = dt.datetime(2026, 12, 4, 12, 0, tzinfo=LONDON)
    with at(friday):
        html = client_for(LeaderFactory()).get(reverse("messaging_overdue")).content.decode()
    assert html.index("Ivy") < html.index("Noah")  # Ivy's was due first
    assert "Oak" in html and "Ash" in html and "Mrs Patel" in html and "Mr Okafor" in html
    assert "1\xa0day, 2\xa0hours" in html  # Ivy's: due Thursday 10:00
    assert "Zebedee" not in html and "Maya" not in html


@pytest.mark.parametrize("make", [TeacherFactory, OfficeFactory, SupportFactory])
def test_R21_only_leaders_see_the_overdue_list(school, make) -> None:
    assert client_for(make()).get(reverse("messaging_overdue")).status_code == 404


def test_R21_no_overdue_replies_says_so(school) -> None:
    html = client_for(LeaderFactory()).get(reverse("messaging_overdue")).content.decode()
    assert "No reply is overdue." in html


# Fixed query counts


def page_queries(user: User, url: str, moment: dt.datetime) -> int:
    client = client_for(user)
    with at(moment):
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
    return len([q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]])


def families(school_class: SchoolClass, teacher: User, count: int) -> None:
    for number in range(count):
        overdue_family(school_class, teacher, f"Child{number}", TUESDAY_1000)


def test_the_notices_and_overdue_pages_are_a_fixed_number_of_queries(
    school, parent, teacher, maya
) -> None:
    leader = LeaderFactory()
    friday = dt.datetime(2026, 12, 4, 12, 0, tzinfo=LONDON)
    notices_url, overdue_url = reverse("messaging_notices"), reverse("messaging_overdue")
    families(maya.school_class, teacher, 1)
    sweep(friday)
    small = [page_queries(teacher, notices_url, friday), page_queries(leader, overdue_url, friday)]
    families(maya.school_class, teacher, 12)
    other_class = SchoolClassFactory()
    families(other_class, assign_teacher(TeacherFactory(), other_class), 4)
    sweep(friday + MINUTE)
    assert Notice.objects.filter(recipient=teacher).count() == 26  # new and overdue, 13 each
    large = [page_queries(teacher, notices_url, friday), page_queries(leader, overdue_url, friday)]
    assert small == large
    assert max(large) <= 8, large
