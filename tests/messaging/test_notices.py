"""What messaging tells people, through the notification service: beat's messaging sweep
records a notification for each delivered message and, in working time, one reminder of an
overdue reply (R21); the notification service's own sweep emails them, staff only in working
time (R19, R31), parents at any time. Emails name the child by display name only (R6) and carry
no message text. A withdrawn message and an answered reminder take their notifications back;
reading a thread marks its notifications read. Leaders see the overdue replies on their own
page."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from classes.models import Pupil, SchoolClass
from messaging.models import Message, Thread
from messaging.moderation import message_flag, parent_warn
from messaging.notices import notices_sweep
from messaging.services.messages import message_reply, message_start, message_withdraw
from messaging.tasks import sweep_notices
from notifications.models import Delivery, Kind, Notification
from notifications.tasks import sweep_notifications
from tests.clock import at
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
    assign_teacher,
)

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
SATURDAY = dt.datetime(2026, 11, 28, 10, 0, tzinfo=LONDON)
MONDAY_0800 = dt.datetime(2026, 11, 30, 8, 0, tzinfo=LONDON)
TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)
TUESDAY_EVENING = dt.datetime(2026, 12, 1, 17, 30, tzinfo=LONDON)
THURSDAY_1000 = dt.datetime(2026, 12, 3, 10, 0, tzinfo=LONDON)  # Tuesday 10:00 + 48 working h
FRIDAY_0800 = dt.datetime(2026, 12, 4, 8, 0, tzinfo=LONDON)
FRIDAY_NOON = dt.datetime(2026, 12, 4, 12, 0, tzinfo=LONDON)
MINUTE = dt.timedelta(minutes=1)
NEW_FROM_SAM = "Sam Ellis wrote about Maya"
OVERDUE_FROM_SAM = "A reply to Sam Ellis about Maya is overdue"
WARNED = "The school has given you a formal warning"


def sweep(moment: dt.datetime) -> None:
    """What beat does every minute: messaging's sweep records what people are to be told, the
    notification service's sweep sends it (Celery is eager in tests: the emails go at once)."""
    with at(moment):
        sweep_notices()
        sweep_notifications()


def send(parent: User, teacher: User, pupil: Pupil, moment: dt.datetime, body: str = "Hello"):
    with at(moment):
        return message_start(acting_user=parent, other=teacher, pupil=pupil, body=body)


def sent_to(user: User) -> list[EmailMessage]:
    return [email for email in mail.outbox if email.to == [user.email]]


def everything_in(email: EmailMessage) -> str:
    """Subject, plain text and HTML: all that the recipient's mail program shows."""
    html = "".join(str(content) for content, _type in getattr(email, "alternatives", []))
    return f"{email.subject}\n{email.body}\n{html}"


def thread_url(thread_id: int) -> str:
    return reverse("messaging_thread", args=[thread_id])


def open_link(notification: Notification) -> str:
    return settings.SITE_URL + reverse("notification_open", args=[notification.pk])


def centre(user: User, moment: dt.datetime) -> str:
    """The user's notification centre as they see it at ``moment``."""
    with at(moment):
        return client_for(user).get(reverse("notifications")).content.decode()


@pytest.fixture
def maya(parent_with_child) -> Pupil:
    return parent_with_child[1]


@pytest.fixture
def parent(parent_with_child) -> User:
    parent = parent_with_child[0]
    parent.first_name, parent.last_name = "Sam", "Ellis"
    parent.save()
    return parent


# R19: new messages, and staff never told in quiet time


def test_R19_a_saturday_message_is_notified_to_the_teacher_at_0800_monday_not_before(
    school, parent, teacher, maya, mailoutbox
) -> None:
    message = send(parent, teacher, maya, SATURDAY, body="Is the trip on Friday?")
    sweep(SATURDAY + MINUTE)
    sweep(MONDAY_0800 - MINUTE)
    assert not Notification.objects.exists() and mailoutbox == []
    assert NEW_FROM_SAM not in centre(teacher, MONDAY_0800 - MINUTE)
    sweep(MONDAY_0800)
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.link) == (
        teacher,
        Kind.NEW_MESSAGE,
        thread_url(message.thread_id),
    )
    [email] = mailoutbox
    assert email.to == [teacher.email]
    assert email.subject == NEW_FROM_SAM
    assert open_link(notification) in email.body
    assert "trip" not in everything_in(email)  # no message text in an email
    assert NEW_FROM_SAM in centre(teacher, MONDAY_0800)
    sweep(MONDAY_0800 + MINUTE)
    assert len(mailoutbox) == 1 and Notification.objects.count() == 1


def test_R19_the_emails_link_opens_the_thread_and_marks_the_notification_read(
    school, parent, teacher, maya, mailoutbox
) -> None:
    message = send(parent, teacher, maya, TUESDAY_1000)
    sweep(TUESDAY_1000 + MINUTE)
    notification = Notification.objects.get()
    with at(TUESDAY_1000 + 2 * MINUTE):
        response = client_for(teacher).get(open_link(notification).removeprefix(settings.SITE_URL))
    assert response.status_code == 302 and response["Location"] == thread_url(message.thread_id)
    notification.refresh_from_db()
    assert notification.read_at == TUESDAY_1000 + 2 * MINUTE


def test_R19_staff_are_not_told_in_quiet_time_their_notification_waits_for_0800(
    school, parent, teacher, maya, mailoutbox
) -> None:
    friday_1659 = dt.datetime(2026, 12, 4, 16, 59, tzinfo=LONDON)
    saturday = dt.datetime(2026, 12, 5, 11, 0, tzinfo=LONDON)
    monday = dt.datetime(2026, 12, 7, 8, 0, tzinfo=LONDON)
    send(parent, teacher, maya, friday_1659)  # working time: delivered at once
    sweep(friday_1659 + MINUTE)  # 17:00, quiet time: the first sweep after it
    sweep(saturday)
    notification = Notification.objects.get()
    assert notification.deliver_at == monday
    assert notification.emailed_at is None and mailoutbox == []
    assert NEW_FROM_SAM not in centre(teacher, saturday)  # not in the portal either
    sweep(monday)
    sweep(monday + MINUTE)
    notification.refresh_from_db()
    assert notification.emailed_at == monday
    assert [email.to for email in mailoutbox] == [[teacher.email]]
    assert NEW_FROM_SAM in centre(teacher, monday)


def test_R31_a_parent_is_emailed_at_once_even_in_quiet_time_in_their_language(
    school, parent, teacher, maya, mailoutbox
) -> None:
    message = send(parent, teacher, maya, TUESDAY_1000)
    parent.preferred_language = "es"
    parent.save()
    with at(TUESDAY_EVENING):
        reply = message_reply(acting_user=teacher, thread=message.thread, body="Yes, it is.")
    sweep(TUESDAY_EVENING + MINUTE)
    notification = Notification.objects.get(recipient=parent)
    assert notification.key == f"message:{reply.pk}"
    assert notification.emailed_at == TUESDAY_EVENING + MINUTE
    assert sent_to(teacher) == []  # the teacher's waits for Wednesday 08:00
    [email] = mailoutbox
    assert email.to == [parent.email]
    assert email.subject == "Nuevo mensaje de Mrs Patel sobre Maya"
    assert email.extra_headers["Content-Language"] == "es"
    assert '<html lang="es">' in everything_in(email)
    assert "Yes, it is" not in everything_in(email)
    assert open_link(notification) in email.body


def test_R6_emails_and_the_portal_name_the_child_by_display_name_only(
    school, parent, teacher, maya, mailoutbox
) -> None:
    maya.surname = "Kowalski"
    maya.save()
    PupilFactory(school_class=maya.school_class, first_name="Maya", surname="Khan")
    send(parent, teacher, maya, TUESDAY_1000, body="Maya Kowalski forgot her bag")
    sweep(TUESDAY_1000 + MINUTE)
    [email] = mailoutbox
    assert email.subject == "Sam Ellis wrote about Maya Ko."
    assert "Kowalski" not in everything_in(email) and "bag" not in everything_in(email)
    html = centre(teacher, TUESDAY_1000 + MINUTE)
    assert "Sam Ellis wrote about Maya Ko." in html and "Kowalski" not in html


def test_R19_a_message_withdrawn_before_the_sweep_is_never_notified(
    school, parent, teacher, maya, mailoutbox
) -> None:
    message = send(parent, teacher, maya, TUESDAY_1000)
    with at(TUESDAY_1000 + dt.timedelta(seconds=30)):
        message_withdraw(acting_user=parent, message=message)
    sweep(TUESDAY_1000 + MINUTE)
    sweep(THURSDAY_1000 + MINUTE)
    assert not Notification.objects.exists() and mailoutbox == []


def test_R19_a_message_withdrawn_after_its_notification_takes_it_back_unsent(
    school, parent, teacher, maya, mailoutbox
) -> None:
    message = send(parent, teacher, maya, TUESDAY_1000)
    with at(TUESDAY_1000 + MINUTE):
        notices_sweep()  # recorded; the notification service's sweep has not run yet
    assert Notification.objects.filter(recipient=teacher).exists()
    with at(TUESDAY_1000 + dt.timedelta(seconds=90)):
        message_withdraw(acting_user=parent, message=message)
    sweep(TUESDAY_1000 + 2 * MINUTE)
    assert not Notification.objects.exists() and mailoutbox == []
    assert NEW_FROM_SAM not in centre(teacher, TUESDAY_1000 + 2 * MINUTE)


def test_a_message_to_the_office_inbox_makes_no_teacher_notification(
    school, parent, teacher, maya, mailoutbox
) -> None:
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
    assert not Notification.objects.exists() and mailoutbox == []


def test_R31_the_offices_answer_is_notified_to_the_parent_as_from_the_office(
    school, parent, maya, mailoutbox
) -> None:
    thread = Thread.objects.create(parent=parent, pupil=maya, topic="absence")
    Message.objects.create(
        thread=thread,
        author=OfficeFactory(first_name="Olive", last_name="Office"),
        from_parent=False,
        body="Thank you, noted.",
        language="en-gb",
        sent_at=TUESDAY_1000,
        deliver_at=TUESDAY_1000,
    )
    sweep(TUESDAY_1000 + MINUTE)
    [email] = mailoutbox
    assert email.to == [parent.email]
    assert email.subject == "New message from the school office about Maya"
    assert "Olive" not in everything_in(email)
    assert Notification.objects.get().link == thread_url(thread.pk)


# R21: one reminder, in working time, never twice


def test_R21_an_overdue_reply_gets_one_reminder_never_twice(
    school, parent, teacher, maya, mailoutbox
) -> None:
    message = send(parent, teacher, maya, TUESDAY_1000)
    sweep(TUESDAY_1000 + MINUTE)  # the new message's email
    sweep(THURSDAY_1000 - MINUTE)
    assert not Notification.objects.filter(kind=Kind.REPLY_OVERDUE).exists()
    sweep(THURSDAY_1000 + MINUTE)
    sweep(THURSDAY_1000 + 2 * MINUTE)
    sweep(FRIDAY_0800)
    reminder = Notification.objects.get(kind=Kind.REPLY_OVERDUE)
    assert (reminder.recipient, reminder.key, reminder.link) == (
        teacher,
        f"message:{message.pk}",
        thread_url(message.thread_id),
    )
    assert reminder.emailed_at == THURSDAY_1000 + MINUTE
    message.refresh_from_db()
    assert message.reminded_at == THURSDAY_1000 + MINUTE
    assert [email.subject for email in mailoutbox] == [NEW_FROM_SAM, OVERDUE_FROM_SAM]
    assert open_link(reminder) in mailoutbox[1].body


def test_R21_an_overdue_reply_found_in_quiet_time_is_reminded_at_the_next_working_start(
    school, parent, teacher, maya, mailoutbox
) -> None:
    message = send(parent, teacher, maya, TUESDAY_1000)
    sweep(TUESDAY_1000 + MINUTE)
    sweep(dt.datetime(2026, 12, 3, 18, 0, tzinfo=LONDON))  # beat was down until the evening
    message.refresh_from_db()
    assert message.reminded_at is None and len(mailoutbox) == 1
    assert not Notification.objects.filter(kind=Kind.REPLY_OVERDUE).exists()
    sweep(FRIDAY_0800)
    message.refresh_from_db()
    assert message.reminded_at == FRIDAY_0800
    assert [email.subject for email in mailoutbox] == [NEW_FROM_SAM, OVERDUE_FROM_SAM]


def test_R21_a_staff_reply_in_time_means_no_reminder(
    school, parent, teacher, maya, mailoutbox
) -> None:
    message = send(parent, teacher, maya, TUESDAY_1000)
    with at(TUESDAY_1000 + dt.timedelta(hours=3)):
        message_reply(acting_user=teacher, thread=message.thread, body="Yes.")
    sweep(THURSDAY_1000 + MINUTE)
    sweep(FRIDAY_0800)
    assert not Notification.objects.filter(kind=Kind.REPLY_OVERDUE).exists()
    assert OVERDUE_FROM_SAM not in [email.subject for email in mailoutbox]


def test_R21_several_unanswered_messages_in_a_thread_give_one_reminder(
    school, parent, teacher, maya, mailoutbox
) -> None:
    first = send(parent, teacher, maya, TUESDAY_1000)
    for minutes in (1, 2):
        with at(TUESDAY_1000 + minutes * MINUTE):
            message_reply(acting_user=parent, thread=first.thread, body=f"And {minutes}")
    sweep(THURSDAY_1000 + 5 * MINUTE)
    sweep(FRIDAY_0800)
    [reminder] = Notification.objects.filter(kind=Kind.REPLY_OVERDUE)
    assert (reminder.recipient, reminder.key) == (teacher, f"message:{first.pk}")
    assert not Message.objects.filter(from_parent=True, reminded_at__isnull=True).exists()
    assert [email.subject for email in sent_to(teacher)].count(OVERDUE_FROM_SAM) == 1


def test_R21_a_reminder_answered_before_its_email_is_withdrawn_and_never_sent(
    school, parent, teacher, maya, mailoutbox
) -> None:
    message = send(parent, teacher, maya, TUESDAY_1000)
    sweep(TUESDAY_1000 + MINUTE)
    with at(THURSDAY_1000 + MINUTE):
        notices_sweep()  # the reminder is recorded, its email not sent yet
        assert Notification.objects.filter(kind=Kind.REPLY_OVERDUE).exists()
        message_reply(acting_user=teacher, thread=message.thread, body="Sorry, yes.")
    sweep(THURSDAY_1000 + 2 * MINUTE)
    sweep(FRIDAY_0800)
    assert not Notification.objects.filter(kind=Kind.REPLY_OVERDUE).exists()
    assert [email.subject for email in sent_to(teacher)] == [NEW_FROM_SAM]
    assert OVERDUE_FROM_SAM not in centre(teacher, FRIDAY_0800)
    message.refresh_from_db()
    assert message.reminded_at == THURSDAY_1000 + MINUTE  # claimed: never reminded again


def test_R21_a_reply_after_the_reminder_takes_it_out_of_the_portal(
    school, parent, teacher, maya, mailoutbox
) -> None:
    message = send(parent, teacher, maya, TUESDAY_1000)
    sweep(TUESDAY_1000 + MINUTE)
    sweep(THURSDAY_1000 + MINUTE)
    assert OVERDUE_FROM_SAM in centre(teacher, THURSDAY_1000 + MINUTE)
    with at(THURSDAY_1000 + 2 * MINUTE):
        message_reply(acting_user=teacher, thread=message.thread, body="Sorry, yes.")
    assert OVERDUE_FROM_SAM not in centre(teacher, THURSDAY_1000 + 3 * MINUTE)
    assert [email.subject for email in sent_to(teacher)] == [NEW_FROM_SAM, OVERDUE_FROM_SAM]


# Reading the thread


def test_R20_R31_reading_the_thread_marks_its_notifications_read(
    school, parent, teacher, maya
) -> None:
    message = send(parent, teacher, maya, TUESDAY_1000)
    other_pupil = PupilFactory(school_class=maya.school_class, first_name="Ivy")
    other = send(ParentLinkFactory(pupil=other_pupil).parent, teacher, other_pupil, TUESDAY_1000)
    sweep(TUESDAY_1000 + MINUTE)
    with at(TUESDAY_1000 + 2 * MINUTE):
        client = client_for(teacher)
        assert 'class="bell-count">2<' in client.get(reverse("notifications")).content.decode()
        client.get(thread_url(message.thread_id))
        page = client.get(reverse("messaging_inbox")).content.decode()
    assert 'class="bell-count">1<' in page
    read = Notification.objects.get(key=f"message:{message.pk}")
    assert read.read_at == TUESDAY_1000 + 2 * MINUTE
    assert Notification.objects.get(key=f"message:{other.pk}").read_at is None


def test_R20_a_teacher_who_opens_a_thread_in_quiet_time_leaves_its_notification_unread(
    school, parent, teacher, maya
) -> None:
    message = send(parent, teacher, maya, TUESDAY_1000)
    sweep(TUESDAY_1000 + MINUTE)
    with at(TUESDAY_EVENING):
        client_for(teacher).get(thread_url(message.thread_id))
    assert Notification.objects.get().read_at is None
    with at(TUESDAY_EVENING + MINUTE):
        client_for(teacher).post(reverse("messaging_mark_seen", args=[message.thread_id]))
    assert Notification.objects.get().read_at == TUESDAY_EVENING + MINUTE


# Bad cases: failures, accounts that cannot be emailed


def test_a_failed_send_is_retried_by_a_later_sweep_and_sent_once(
    school, parent, teacher, maya, mailoutbox
) -> None:
    send(parent, teacher, maya, TUESDAY_1000)
    backend = mail.get_connection().__class__
    real = backend.send_messages
    failures = iter([OSError("mail server away")])

    def flaky(self, messages):
        error = next(failures, None)
        if error:
            raise error
        return real(self, messages)

    with mock.patch.object(backend, "send_messages", flaky):
        sweep(TUESDAY_1000 + MINUTE)
        notification = Notification.objects.get()
        assert (notification.email_state, notification.email_attempts) == (Delivery.PENDING, 1)
        assert mailoutbox == []
        sweep(TUESDAY_1000 + 2 * MINUTE)
        sweep(TUESDAY_1000 + 3 * MINUTE)
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.email_state == Delivery.SENT
    assert notification.emailed_at == TUESDAY_1000 + 2 * MINUTE


def test_a_deactivated_or_suspended_account_is_not_emailed(
    school, parent, teacher, maya, mailoutbox
) -> None:
    message = send(parent, teacher, maya, TUESDAY_1000)
    teacher.is_active = False
    teacher.save()
    sweep(TUESDAY_1000 + MINUTE)
    assert not Notification.objects.exists()  # nobody to tell
    Message.objects.create(
        thread=message.thread,
        author=teacher,
        from_parent=False,
        body="Noted",
        language="en-gb",
        sent_at=TUESDAY_1000 + 2 * MINUTE,
        deliver_at=TUESDAY_1000 + 2 * MINUTE,
    )
    User.objects.filter(pk=parent.pk).update(is_suspended=True)
    sweep(TUESDAY_1000 + 3 * MINUTE)
    sweep(TUESDAY_1000 + 4 * MINUTE)
    notification = Notification.objects.get()  # kept in the portal for when it is lifted
    assert (notification.recipient, notification.email_state) == (parent, Delivery.PENDING)
    assert mailoutbox == []


def test_R23_a_warned_parent_is_emailed_once_without_the_reason_and_reads_it_in_the_portal(
    school, parent, teacher, maya, mailoutbox
) -> None:
    message = send(parent, teacher, maya, TUESDAY_1000)
    flag = message_flag(acting_user=teacher, message=message)
    with at(TUESDAY_1000 + MINUTE):
        message_reply(acting_user=teacher, thread=message.thread, body="Please be kind.")
    with at(dt.datetime(2026, 12, 1, 19, 55, tzinfo=LONDON)):
        parent_warn(acting_user=LeaderFactory(), flag=flag, reason="Please keep messages polite.")
    sweep(dt.datetime(2026, 12, 1, 20, 0, tzinfo=LONDON))
    sweep(dt.datetime(2026, 12, 1, 20, 1, tzinfo=LONDON))
    warning = Notification.objects.get(recipient=parent, kind=Kind.WARNING)
    [email] = [email for email in sent_to(parent) if email.subject == WARNED]
    assert "polite" not in everything_in(email)
    assert open_link(warning) in email.body
    assert "Stop emails like this one" not in email.body  # a warning cannot be turned off
    with at(dt.datetime(2026, 12, 1, 20, 2, tzinfo=LONDON)):
        client = client_for(parent)
        client.get(thread_url(message.thread_id))  # reading the thread is not reading this
        warning.refresh_from_db()
        assert warning.read_at is None
        followed = client.get(open_link(warning).removeprefix(settings.SITE_URL), follow=True)
    html = followed.content.decode()
    assert WARNED in html and "Please keep messages polite." in html


# Pupils have none of it


def test_R31_pupils_have_no_notifications_and_no_overdue_list(maya) -> None:
    user = UserFactory(role="pupil", email=None)
    maya.user = user
    maya.save()
    client = pupil_client_for(user)
    for name in ("notifications", "messaging_overdue"):
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
    with at(FRIDAY_NOON):
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


def page_queries(client: Client, url: str, moment: dt.datetime) -> int:
    """The queries of a page on a warm server (its second view)."""
    with at(moment):
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
    return len([q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]])


def families(school_class: SchoolClass, teacher: User, count: int) -> None:
    for number in range(count):
        overdue_family(school_class, teacher, f"Child{number}", TUESDAY_1000)


def test_the_notification_centre_and_the_overdue_list_are_a_fixed_number_of_queries(
    school, teacher, maya
) -> None:
    leader = LeaderFactory()
    families(maya.school_class, teacher, 1)
    sweep(FRIDAY_NOON)
    pages = [
        (client_for(teacher), reverse("notifications")),
        (client_for(leader), reverse("messaging_overdue")),
    ]
    small = [page_queries(client, url, FRIDAY_NOON) for client, url in pages]
    families(maya.school_class, teacher, 12)
    other_class = SchoolClassFactory()
    families(other_class, assign_teacher(TeacherFactory(), other_class), 4)
    sweep(FRIDAY_NOON + MINUTE)
    assert Notification.objects.filter(recipient=teacher).count() == 26  # 13 new, 13 overdue
    large = [page_queries(client, url, FRIDAY_NOON + MINUTE) for client, url in pages]
    html = centre(teacher, FRIDAY_NOON + MINUTE)
    assert len(re.findall(r"wrote about Child\d+[^<]*</a>", html)) == 13
    assert len(re.findall(r"about Child\d+[^<]* is overdue</a>", html)) == 13
    assert small == large
    assert large == [3, 4], large
