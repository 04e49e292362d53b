"""What the notification tests share: the school's clock moved to chosen moments, the events
that the apps tell the service of, a mail server that can fail or refuse, and the sweep that
beat runs every minute."""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Sequence
from typing import ClassVar

from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend

from accounts.models import User
from notifications.models import Channel, Kind
from notifications.services import Event, notification_settings_save
from notifications.tasks import sweep_notifications
from tests.clock import LONDON, at

# A school week: Monday 30 November to Friday 4 December 2026.
FRIDAY_1730 = dt.datetime(2026, 11, 27, 17, 30, tzinfo=LONDON)
SATURDAY_1000 = dt.datetime(2026, 11, 28, 10, 0, tzinfo=LONDON)
MONDAY_0800 = dt.datetime(2026, 11, 30, 8, 0, tzinfo=LONDON)
TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)
WEDNESDAY_0800 = dt.datetime(2026, 12, 2, 8, 0, tzinfo=LONDON)
MINUTE = dt.timedelta(minutes=1)
DIGEST_SUBJECT = "Your news from school"


def sweep(moment: dt.datetime) -> None:
    """What beat does every minute (Celery is eager in tests: the emails go at once)."""
    with at(moment):
        sweep_notifications()


def message_event(
    recipient: User, number: int = 1, *, sender: str = "Mrs Patel", pupil: str = "Maya"
) -> Event:
    """A new message from a teacher to a parent (as messaging's sweep tells of it)."""
    return Event(
        Kind.NEW_MESSAGE,
        f"message:{number}",
        recipient.pk,
        f"/messages/{number}/",
        {"pupil": pupil, "sender": sender, "from_parent": False, "from_office": False},
    )


def parent_message_event(recipient: User, number: int = 1) -> Event:
    """A new message from a parent to their child's teacher."""
    return Event(
        Kind.NEW_MESSAGE,
        f"message:{number}",
        recipient.pk,
        f"/messages/{number}/",
        {"pupil": "Maya", "sender": "Dana Brightwater", "from_parent": True, "from_office": False},
    )


def post_event(recipient: User, number: int = 1, *, class_name: str = "Oak") -> Event:
    """A new Class Story post (as the stories app tells of it)."""
    return Event(
        Kind.NEW_POST,
        f"post:{number}",
        recipient.pk,
        f"/stories/posts/{number}/",
        {"story": "class", "name": class_name},
    )


def urgent_event(recipient: User, number: int = 1, *, excerpt: str = "") -> Event:
    return Event(
        Kind.URGENT,
        f"post:{number}",
        recipient.pk,
        f"/stories/posts/{number}/",
        {"excerpt": excerpt or "Snow: the school is closed today."},
    )


def warning_event(recipient: User, number: int = 1) -> Event:
    return Event(
        Kind.WARNING,
        f"warning:{number}",
        recipient.pk,
        "/messages/1/",
        {"reason": "Repeated abusive language towards staff."},
    )


def choose(
    user: User, channels: dict[Kind, Channel], *, digest_at: dt.time = dt.time(18, 0)
) -> None:
    """The person saves their notification settings."""
    notification_settings_save(acting_user=user, channels=channels, digest_at=digest_at)


def address(user: User) -> str:
    """The person's email address (every account in these tests has one)."""
    assert user.email
    return user.email


def sent_to(user: User) -> list[EmailMessage]:
    return [email for email in mail.outbox if email.to == [user.email]]


class MailServer(EmailBackend):
    """The mail server of these tests: it refuses the addresses in ``refused`` (as a server
    whose mailbox does not exist), fails the next ``failures`` sends (as a server that is
    down), and otherwise delivers to Django's test outbox."""

    refused: ClassVar[set[str]] = set()
    failures: ClassVar[int] = 0
    attempts: ClassVar[int] = 0

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        MailServer.attempts += 1
        for message in email_messages:
            bounced = dict.fromkeys(message.to, (550, b"5.1.1 No such mailbox"))
            if set(bounced) & MailServer.refused:
                raise smtplib.SMTPRecipientsRefused(bounced)
        if MailServer.failures:
            MailServer.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(email_messages)
