"""The daily digest (R31): one email per person per day, at the time they chose, with everything
that waited for it; never a second one the same day, even from two beat processes at once; for
staff never in quiet time (R19): an evening time waits for the next working morning."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.urls import reverse

from accounts.models import User
from notifications import digest
from notifications.digest import digest_send
from notifications.models import (
    Channel,
    Delivery,
    DigestSent,
    Kind,
    Notification,
)
from notifications.services import notify
from notifications.sweep import deliveries_due
from tests.factories import ParentFactory
from tests.requirements import require_or_skip

from .helpers import (
    DIGEST_SUBJECT,
    FRIDAY_1730,
    LONDON,
    MINUTE,
    MONDAY_0800,
    TUESDAY_1000,
    WEDNESDAY_0800,
    MailServer,
    choose,
    parent_message_event,
    post_event,
    sent_to,
    sweep,
)

TUESDAY = dt.date(2026, 12, 1)
WEDNESDAY = dt.date(2026, 12, 2)


def tuesday(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, 1, hour, minute, tzinfo=LONDON)


def wednesday(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, 2, hour, minute, tzinfo=LONDON)


def item_links(user: User) -> list[str]:
    return [
        settings.SITE_URL + reverse("notification_open", args=[pk])
        for pk in Notification.objects.filter(recipient=user)
        .order_by("pk")
        .values_list("pk", flat=True)
    ]


@pytest.mark.django_db
def test_R31_the_digest_is_sent_once_a_day_at_the_chosen_time_with_every_item(
    school, parent: User
) -> None:
    notify([post_event(parent, 1, class_name="Oak")], now=tuesday(9))
    notify([post_event(parent, 2, class_name="Ash")], now=tuesday(12))
    notify([post_event(parent, 3, class_name="Elm")], now=tuesday(15))

    sweep(tuesday(17, 59))
    assert mail.outbox == []  # before 18:00, the default time
    sweep(tuesday(18))
    [email] = sent_to(parent)
    assert email.subject == DIGEST_SUBJECT
    for class_name in ("Oak", "Ash", "Elm"):
        assert f"New post in the {class_name} class story" in email.body
    for link in item_links(parent):
        assert link in email.body
    assert isinstance(email, EmailMultiAlternatives)
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html" and "New post in the Elm class story" in str(html)
    assert "Tuesday 1 December" in email.body

    for moment in (tuesday(18, 1), tuesday(23, 59)):
        sweep(moment)
    assert len(sent_to(parent)) == 1
    assert set(Notification.objects.values_list("email_state", flat=True)) == {Delivery.DIGESTED}
    assert DigestSent.objects.get(user=parent).notifications == 3


@pytest.mark.django_db
def test_R31_news_after_the_digest_waits_for_the_next_day(school, parent: User) -> None:
    notify([post_event(parent, 1)], now=tuesday(9))
    sweep(tuesday(18))
    notify([post_event(parent, 2, class_name="Ash")], now=tuesday(19))

    sweep(tuesday(19, 1))
    sweep(wednesday(17, 59))
    assert len(sent_to(parent)) == 1
    sweep(wednesday(18))

    _first, second = sent_to(parent)
    assert "New post in the Ash class story" in second.body
    assert "New post in the Oak class story" not in second.body
    assert "Wednesday 2 December" in second.body
    assert sorted(DigestSent.objects.values_list("day", flat=True)) == [TUESDAY, WEDNESDAY]


@pytest.mark.django_db
def test_R31_no_news_no_digest(school, parent: User) -> None:
    sweep(tuesday(18))
    sweep(tuesday(20))

    assert mail.outbox == []
    assert not DigestSent.objects.exists()


@pytest.mark.django_db
def test_R31_the_digest_comes_at_the_time_the_person_chose(school, parent: User) -> None:
    choose(parent, {Kind.NEW_POST: Channel.DIGEST}, digest_at=dt.time(7, 30))
    notify([post_event(parent)], now=tuesday(6))

    sweep(tuesday(7, 29))
    assert mail.outbox == []
    sweep(tuesday(7, 30))
    assert len(sent_to(parent)) == 1


@pytest.mark.django_db
def test_R31_each_person_gets_their_own_digest(school, parent: User) -> None:
    other = ParentFactory()
    choose(other, {Kind.NEW_POST: Channel.DIGEST}, digest_at=dt.time(20, 0))
    notify([post_event(parent, 1), post_event(other, 1)], now=tuesday(9))

    sweep(tuesday(18))
    assert [email.to for email in mail.outbox] == [[parent.email]]
    sweep(tuesday(20))
    assert [email.to for email in mail.outbox] == [[parent.email], [other.email]]


@pytest.mark.django_db
def test_R31_a_digest_the_mail_server_failed_is_sent_by_the_next_sweep(
    school, parent: User, mail_server: type[MailServer]
) -> None:
    notify([post_event(parent)], now=tuesday(9))
    mail_server.failures = 1

    sweep(tuesday(18))
    assert mail.outbox == [] and not DigestSent.objects.exists()
    assert Notification.objects.get().email_state == Delivery.PENDING
    sweep(tuesday(18, 1))

    assert len(sent_to(parent)) == 1
    assert Notification.objects.get().email_state == Delivery.DIGESTED


# Staff: never in quiet time (R19)


@pytest.mark.django_db
def test_R31_R19_a_staff_digest_time_in_the_evening_waits_for_0800(school, teacher: User) -> None:
    choose(teacher, {Kind.NEW_MESSAGE: Channel.DIGEST}, digest_at=dt.time(19, 0))
    notify([parent_message_event(teacher, 1)], now=TUESDAY_1000)

    for moment in (tuesday(17), tuesday(19), tuesday(23, 59), wednesday(7, 59)):
        sweep(moment)
    assert mail.outbox == []
    sweep(WEDNESDAY_0800)

    [email] = sent_to(teacher)
    assert email.subject == DIGEST_SUBJECT
    assert "Dana Brightwater wrote about Maya" in email.body
    sweep(wednesday(19))
    assert len(sent_to(teacher)) == 1  # one a day


@pytest.mark.django_db
def test_R31_R19_a_staff_digest_on_friday_evening_waits_for_monday_0800(
    school, teacher: User
) -> None:
    choose(teacher, {Kind.NEW_MESSAGE: Channel.DIGEST}, digest_at=dt.time(19, 0))
    friday_1900 = FRIDAY_1730 + dt.timedelta(minutes=90)
    notify([parent_message_event(teacher, 1)], now=friday_1900 - dt.timedelta(hours=9))

    for day in range(3):  # Friday, Saturday and Sunday at 19:00
        sweep(friday_1900 + dt.timedelta(days=day))
    sweep(MONDAY_0800 - MINUTE)
    assert mail.outbox == []
    sweep(MONDAY_0800)

    assert len(sent_to(teacher)) == 1


@pytest.mark.django_db
def test_R31_a_staff_digest_time_in_working_hours_is_kept(school, teacher: User) -> None:
    choose(teacher, {Kind.NEW_MESSAGE: Channel.DIGEST}, digest_at=dt.time(16, 30))
    notify([parent_message_event(teacher, 1)], now=TUESDAY_1000)

    sweep(tuesday(16, 29))
    assert mail.outbox == []
    sweep(tuesday(16, 30))
    assert len(sent_to(teacher)) == 1


# Two beat processes at once


class FirstCallMeets:
    """Wraps a function so that each thread's first call waits for the other thread's: both
    have found the digest due before either claims it, the worst case."""

    def __init__(self, function: Callable[..., Any], barrier: threading.Barrier) -> None:
        self.function, self.barrier, self.seen = function, barrier, threading.local()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not getattr(self.seen, "met", False):
            self.seen.met = True
            self.barrier.wait()
        return self.function(*args, **kwargs)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_R31_two_beat_processes_at_once_send_one_digest(
    school, parent: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_or_skip(
        connection.vendor == "postgresql",
        "needs PostgreSQL: threads cannot share SQLite's in-memory test database",
    )
    notify([post_event(parent, 1), post_event(parent, 2, class_name="Ash")], now=tuesday(9))
    monkeypatch.setattr(digest, "_claim", FirstCallMeets(digest._claim, threading.Barrier(2)))
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def beat() -> None:
        try:
            start.wait()
            for user_id in deliveries_due(now=tuesday(18)).digests:
                digest_send(user_id, now=tuesday(18))
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    [email] = sent_to(parent)
    assert "New post in the Ash class story" in email.body
    assert DigestSent.objects.get().notifications == 2
