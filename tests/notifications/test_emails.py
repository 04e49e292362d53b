"""Emails of notifications (R31): multipart, in the recipient's language, with a working
unsubscribe link and ``List-Unsubscribe`` headers for what can be turned off (never for a
warning or an urgent announcement); a failure is retried with backoff and sent once, and after
the last attempt the office sees it; an address the mail server refuses is recorded, sent
nothing more, shown to the office and cleared by it; staff are never emailed in quiet time."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.urls import reverse

from accounts.models import User
from notifications.emails import emails_send
from notifications.models import (
    BouncedAddress,
    Channel,
    Delivery,
    Kind,
    Notification,
    NotificationSetting,
)
from notifications.services import notify
from tests.conftest import client_for
from tests.factories import OfficeFactory, ParentFactory, with_totp

from .helpers import (
    FRIDAY_1730,
    LONDON,
    MINUTE,
    MONDAY_0800,
    SATURDAY_1000,
    TUESDAY_1000,
    WEDNESDAY_0800,
    MailServer,
    address,
    at,
    message_event,
    parent_message_event,
    post_event,
    sent_to,
    sweep,
    urgent_event,
    warning_event,
)

pytestmark = pytest.mark.django_db

PROBLEMS = reverse("admin:notifications_emailproblem_changelist")
BOUNCED = reverse("admin:notifications_bouncedaddress_changelist")


@pytest.fixture
def office_client(school) -> Client:
    office = OfficeFactory()
    with_totp(office)
    return client_for(office)


def html_of(email: mail.EmailMessage) -> str:
    assert isinstance(email, EmailMultiAlternatives)
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    return str(html)


# What an email is


def test_R31_an_email_has_a_plain_text_and_an_html_part_linking_to_the_portal(
    school, parent: User
) -> None:
    notify([message_event(parent)], now=TUESDAY_1000)
    sweep(TUESDAY_1000)

    [email] = sent_to(parent)
    notification = Notification.objects.get()
    link = settings.SITE_URL + reverse("notification_open", args=[notification.pk])
    assert email.subject == "New message from Mrs Patel about Maya"
    assert email.content_subtype == "plain"
    assert "New message from Mrs Patel about Maya" in email.body and link in email.body
    html = html_of(email)
    assert f'<a href="{link}">' in html and "New message from Mrs Patel about Maya" in html
    assert "New Village Primary" in email.body and "New Village Primary" in html
    assert email.extra_headers["Content-Language"] == "en-gb"
    assert email.extra_headers["Auto-Submitted"] == "auto-generated"


def test_R31_an_email_is_in_the_recipients_language(school, parent: User) -> None:
    User.objects.filter(pk=parent.pk).update(preferred_language="es")
    notify([message_event(parent), post_event(parent)], now=TUESDAY_1000)

    sweep(TUESDAY_1000)
    sweep(dt.datetime(2026, 12, 1, 18, 0, tzinfo=LONDON))

    message, digest = sent_to(parent)
    for email in (message, digest):
        assert email.extra_headers["Content-Language"] == "es"
        assert '<html lang="es">' in html_of(email)
    assert message.subject == "Nuevo mensaje de Mrs Patel sobre Maya"
    # Spanish is active while the email is written: the day is written as Spanish writes it
    # (its catalogue's date format, "l j \\d\\e F"), the weekday in small letters.
    assert "Sus noticias de la escuela, martes 1 de diciembre" in digest.body
    assert "Tuesday" not in digest.body


def test_R31_an_email_claims_no_language_its_text_is_not_in(school, parent: User) -> None:
    """While the portal's texts are not translated into a reader's language (no catalogue in
    locale/ translates anything: here, as if Spanish's had none), a reader who chose it gets
    English emails that say so, not English text marked as Spanish."""
    User.objects.filter(pk=parent.pk).update(preferred_language="es")
    notify([message_event(parent), post_event(parent)], now=TUESDAY_1000)

    with mock.patch("notifications.emails.interface_language", return_value=None):
        sweep(TUESDAY_1000)
        sweep(dt.datetime(2026, 12, 1, 18, 0, tzinfo=LONDON))

    message, digest = sent_to(parent)
    for email in (message, digest):
        assert email.extra_headers["Content-Language"] == "en-gb"
        assert '<html lang="en-gb">' in html_of(email)
    assert "Tuesday 1 December" in digest.body


@pytest.mark.parametrize("kind", [Kind.NEW_MESSAGE, Kind.NEW_POST])
def test_R31_an_email_of_a_kind_that_can_be_turned_off_has_a_one_click_unsubscribe(
    school, parent: User, kind: Kind
) -> None:
    NotificationSetting.objects.create(user=parent, kind=kind, channel=Channel.EMAIL)
    event = message_event(parent) if kind == Kind.NEW_MESSAGE else post_event(parent)
    notify([event], now=TUESDAY_1000)
    sweep(TUESDAY_1000)

    [email] = sent_to(parent)
    header = email.extra_headers["List-Unsubscribe"]
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert header.startswith(f"<{settings.SITE_URL}/notifications/unsubscribe/")
    link = header.strip("<>")
    assert link in email.body and link in html_of(email)
    # The mail client's one-click request (RFC 8058): no session, no CSRF token.
    path = link.removeprefix(settings.SITE_URL)
    with at(TUESDAY_1000 + MINUTE):  # read when it arrives
        response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationSetting.objects.get(user=parent, kind=kind).channel == Channel.PORTAL


@pytest.mark.parametrize("kind", [Kind.WARNING, Kind.URGENT])
def test_R31_a_warning_or_urgent_email_has_no_unsubscribe(
    school, parent: User, kind: Kind
) -> None:
    event = warning_event(parent) if kind == Kind.WARNING else urgent_event(parent)
    notify([event], now=TUESDAY_1000)
    sweep(TUESDAY_1000)

    [email] = sent_to(parent)
    assert "List-Unsubscribe" not in email.extra_headers
    assert "List-Unsubscribe-Post" not in email.extra_headers
    assert "/notifications/unsubscribe/" not in email.body
    assert "/notifications/unsubscribe/" not in html_of(email)
    assert "Your notification settings" in email.body


def test_R31_an_urgent_email_says_what_is_urgent(school, parent: User) -> None:
    notify([urgent_event(parent, excerpt="Snow: the school is closed today.")], now=TUESDAY_1000)
    sweep(TUESDAY_1000)

    [email] = sent_to(parent)
    assert email.subject == "Urgent: Snow: the school is closed today."


# Handed out twice, sent once


def test_R31_an_email_handed_out_twice_is_sent_once(school, parent: User) -> None:
    notify([message_event(parent)], now=TUESDAY_1000)
    ids = list(Notification.objects.values_list("pk", flat=True))

    assert emails_send(ids, now=TUESDAY_1000) == 1
    assert emails_send(ids, now=TUESDAY_1000) == 0
    sweep(TUESDAY_1000 + MINUTE)

    assert len(sent_to(parent)) == 1


# Failures: retried with backoff, then shown to the office


def test_R31_a_failed_email_is_retried_after_a_minute_and_sent_once(
    school, parent: User, mail_server: type[MailServer]
) -> None:
    notify([message_event(parent)], now=TUESDAY_1000)
    mail_server.failures = 1

    sweep(TUESDAY_1000)
    notification = Notification.objects.get()
    assert mail.outbox == []
    assert (notification.email_state, notification.email_attempts) == (Delivery.PENDING, 1)
    assert notification.email_next_at == TUESDAY_1000 + MINUTE
    assert "Connection unexpectedly closed" in notification.email_error
    sweep(TUESDAY_1000 + dt.timedelta(seconds=30))
    assert mail_server.attempts == 1  # not yet due again

    sweep(TUESDAY_1000 + MINUTE)
    for minutes in range(2, 20):
        sweep(TUESDAY_1000 + minutes * MINUTE)

    assert len(sent_to(parent)) == 1
    notification.refresh_from_db()
    assert notification.email_state == Delivery.SENT
    assert mail_server.attempts == 2


def test_R31_retries_back_off_1_2_4_8_minutes(
    school, parent: User, mail_server: type[MailServer]
) -> None:
    notify([message_event(parent)], now=TUESDAY_1000)
    mail_server.failures = 4
    tried_at = []

    for minute in range(0, 16):
        before = mail_server.attempts
        sweep(TUESDAY_1000 + minute * MINUTE)
        if mail_server.attempts > before:
            tried_at.append(minute)

    assert tried_at == [0, 1, 3, 7, 15]
    assert len(sent_to(parent)) == 1
    assert Notification.objects.get().email_state == Delivery.SENT


def test_R31_after_five_failures_the_email_is_failed_and_the_office_sees_it(
    school, parent: User, mail_server: type[MailServer], office_client: Client
) -> None:
    notify([message_event(parent)], now=TUESDAY_1000)
    mail_server.failures = 100

    for minute in range(0, 60):
        sweep(TUESDAY_1000 + minute * MINUTE)

    notification = Notification.objects.get()
    assert (notification.email_state, notification.email_attempts) == (Delivery.FAILED, 5)
    assert mail_server.attempts == 5 and mail.outbox == []
    html = office_client.get(PROBLEMS).content.decode()
    assert address(parent) in html
    assert "Failed after retries" in html
    assert "Connection unexpectedly closed" in html


# Bounces


def test_R31_a_refused_address_is_recorded_sent_nothing_more_and_cleared_by_the_office(
    school, parent: User, mail_server: type[MailServer], office_client: Client
) -> None:
    mail_server.refused = {address(parent)}
    notify([message_event(parent, 1)], now=TUESDAY_1000)

    sweep(TUESDAY_1000)

    bounced = BouncedAddress.objects.get()
    assert bounced.email == address(parent).lower() and "No such mailbox" in bounced.reason
    assert Notification.objects.get().email_state == Delivery.BOUNCED
    # Nothing more is sent to it, not even tried.
    notify([message_event(parent, 2), urgent_event(parent, 3)], now=TUESDAY_1000 + MINUTE)
    for minutes in range(1, 5):
        sweep(TUESDAY_1000 + minutes * MINUTE)
    assert mail_server.attempts == 1
    # The office sees the address and the undelivered email.
    assert address(parent) in office_client.get(BOUNCED).content.decode()
    problems = office_client.get(PROBLEMS).content.decode()
    assert address(parent) in problems and "Address bounced" in problems
    # The person fixed their mailbox; the office clears the address: the next email goes.
    mail_server.refused = set()
    response = office_client.post(
        BOUNCED, {"action": "clear", "_selected_action": [bounced.pk]}, follow=True
    )
    assert "1 address cleared." in response.content.decode()
    assert not BouncedAddress.objects.exists()
    sweep(TUESDAY_1000 + 5 * MINUTE)
    assert sorted(email.subject for email in sent_to(parent)) == [
        "New message from Mrs Patel about Maya",
        "Urgent: Snow: the school is closed today.",
    ]
    assert Notification.objects.get(key="message:1").email_state == Delivery.BOUNCED


def test_R31_a_bounce_stops_only_that_address(
    school, parent: User, mail_server: type[MailServer]
) -> None:
    other = ParentFactory()
    mail_server.refused = {address(parent)}

    notify([message_event(parent), message_event(other)], now=TUESDAY_1000)
    sweep(TUESDAY_1000)

    assert sent_to(parent) == [] and len(sent_to(other)) == 1


def test_R31_a_refused_digest_records_the_bounce(
    school, parent: User, mail_server: type[MailServer]
) -> None:
    mail_server.refused = {address(parent)}
    notify([post_event(parent)], now=TUESDAY_1000)

    sweep(dt.datetime(2026, 12, 1, 18, 0, tzinfo=LONDON))

    assert BouncedAddress.objects.filter(email=address(parent).lower()).exists()
    assert mail.outbox == []


def test_R31_a_suspended_account_is_not_emailed(school, parent: User) -> None:
    User.objects.filter(pk=parent.pk).update(is_suspended=True)
    notify([message_event(parent)], now=TUESDAY_1000)

    sweep(TUESDAY_1000)

    assert mail.outbox == []


def test_R31_news_older_than_sixty_days_stays_in_the_portal(school, parent: User) -> None:
    notify([message_event(parent)], now=TUESDAY_1000 - dt.timedelta(days=61))

    sweep(TUESDAY_1000)

    assert mail.outbox == []
    assert Notification.objects.get().email_state == Delivery.PENDING


# Staff: never in quiet time (R19)


def test_R31_R19_staff_are_not_emailed_after_1700_and_are_at_0800(school, teacher: User) -> None:
    notify([parent_message_event(teacher)], now=dt.datetime(2026, 12, 1, 16, 59, tzinfo=LONDON))

    for moment in (
        dt.datetime(2026, 12, 1, 17, 0, tzinfo=LONDON),
        dt.datetime(2026, 12, 1, 21, 0, tzinfo=LONDON),
        WEDNESDAY_0800 - MINUTE,
    ):
        sweep(moment)
    assert mail.outbox == []
    sweep(WEDNESDAY_0800)

    [email] = sent_to(teacher)
    assert email.subject == "Dana Brightwater wrote about Maya"
    assert "Staff are emailed in working hours only." in email.body


def test_R31_R19_a_weekend_notification_to_staff_is_emailed_at_0800_monday(
    school, teacher: User, parent: User
) -> None:
    notify([parent_message_event(teacher, 1)], now=FRIDAY_1730)
    notify([message_event(parent, 2)], now=SATURDAY_1000)

    sweep(SATURDAY_1000)
    assert [email.to for email in mail.outbox] == [[address(parent)]]  # parents at any time
    sweep(MONDAY_0800 - MINUTE)
    sweep(MONDAY_0800)

    assert len(sent_to(teacher)) == 1
    assert Notification.objects.get(recipient=teacher).emailed_at is not None
