"""The daily digest (R31): one email per person per day, at the time they chose (in the school's
time zone), of everything they asked to hear of that way. Staff get theirs in working time only:
a time in the evening waits for the next working morning (R19).

One per day even with several beat processes: the ``DigestSent`` row for the person and the
day is inserted before the email is sent, and only the process whose insert succeeded sends.
A send that fails deletes its row, so the next sweep tries again. Until the email is sent the
row counts no notifications and is a claim like the others (``dojo_portal/claims.py``): renewed
while the email goes out, deleted by the sweep once it has not been renewed for ``CLAIM_TTL``
(its worker died), so the digest still goes out that day.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Role, User
from classes.selectors import school_get
from classes.worktime import calendar_for
from core.claims import CLAIM_TTL, ClaimKeeper

from .emails import address_bounced, deliverable, digest_email, emailable_people
from .models import Channel, Delivery, DigestSent, Notification, default_digest_time

logger = logging.getLogger(__name__)


def _waiting(now: dt.datetime) -> QuerySet[Notification]:
    return deliverable(now).filter(channel=Channel.DIGEST, email_state=Delivery.PENDING)


def digests_due(now: dt.datetime) -> list[int]:
    """The people whose digest is due now. One query."""
    return list(_due_people(now).order_by("pk").values_list("pk", flat=True))


def _due_people(now: dt.datetime) -> QuerySet[User]:
    """Something waits for their digest, their time has passed today and none was sent today;
    staff only in working time, so a staff member's time at or after the end of the working
    day means the start of the next working day (R19)."""
    local = timezone.localtime(now, school_get().tz)
    calendar = calendar_for()
    default_at = default_digest_time()
    people = (
        emailable_people()
        .filter(Exists(_waiting(now).filter(recipient=OuterRef("pk"))))
        .exclude(Exists(DigestSent.objects.filter(user=OuterRef("pk"), day=local.date())))
        .annotate(digest_at=Coalesce("digest_preference__send_at", Value(default_at)))
    )
    time_has_come = Q(digest_at__lte=local.time().replace(microsecond=0))
    if not calendar.is_working_time(now):
        return people.filter(time_has_come, role=Role.PARENT)
    after_work = Q(digest_at__gte=calendar.day_ends) & ~Q(role=Role.PARENT)
    return people.filter(time_has_come | after_work)


def digest_send(user_id: int, *, now: dt.datetime | None = None) -> bool:
    """Send this person's digest for today, if it is due and nobody has sent it. True if sent."""
    now = now or timezone.now()
    recipient = _due_people(now).filter(pk=user_id).first()
    if recipient is None:
        return False
    school = school_get()
    day = timezone.localtime(now, school.tz).date()
    claim = _claim(user_id, day)
    if claim is None:
        return False  # another process sent (or is sending) today's digest
    notifications = list(_waiting(now).filter(recipient_id=user_id).order_by("deliver_at", "pk"))
    if not notifications:
        claim.delete()
        return False
    renewal = DigestSent.objects.filter(pk=claim.pk, notifications=0)
    try:
        with (
            ClaimKeeper(lambda now: renewal.update(sent_at=now)),
            get_connection() as connection,
        ):
            connection.send_messages([digest_email(recipient, notifications, day, school)])
    except smtplib.SMTPRecipientsRefused as error:
        address_bounced(recipient, str(error))
        claim.delete()
        return False
    except Exception:  # the mail server failed: the next sweep tries again
        logger.warning("could not send the digest to %s; will retry", user_id, exc_info=True)
        claim.delete()
        return False
    _sent(claim, notifications)
    return True


def digests_reclaim(now: dt.datetime) -> int:
    """Digests claimed by a worker that died before sending (the row counts no notification
    and was not renewed for ``CLAIM_TTL``): the row goes, so the sweep sends the digest."""
    lost = DigestSent.objects.filter(notifications=0, sent_at__lt=now - CLAIM_TTL)
    return lost.delete()[0]


def _claim(user_id: int, day: dt.date) -> DigestSent | None:
    try:
        with transaction.atomic():
            return DigestSent.objects.create(user_id=user_id, day=day)
    except IntegrityError:
        return None


def _sent(claim: DigestSent, notifications: list[Notification]) -> None:
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
        email_state=Delivery.DIGESTED, emailed_at=timezone.now()
    )
    DigestSent.objects.filter(pk=claim.pk).update(
        notifications=len(notifications), sent_at=timezone.now()
    )
