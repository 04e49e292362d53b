"""Emails of notifications, one at a time or as a daily digest: multipart (plain text and
simple HTML), in the recipient's language, with an unsubscribe link that works without signing
in and a ``List-Unsubscribe`` header (RFC 2369, one-click RFC 8058).

An email is claimed before it is sent (a conditional UPDATE), so two workers never both send
it; the claim is renewed while the batch is sent and, if its worker dies, taken over by the
next sweep after ``CLAIM_TTL`` (``dojo_portal/claims.py``). A send that fails is tried again
with backoff (1, 2, 4, 8 minutes) and, after the last attempt, marked failed for the office to
see; an address the mail server refuses is recorded as bounced, shown to the office, and sent
nothing more.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.middleware import interface_language
from accounts.models import Role, User
from classes.models import School
from classes.selectors import school_get
from classes.worktime import calendar_for
from core.bidi import plain_text_directed, subject_directed
from core.claims import CLAIM_TTL, ClaimKeeper, stamp_renewal

from .kinds import RULES, detail, kinds_reaching_suspended, summary_title, title
from .models import BouncedAddress, Channel, Delivery, Kind, Notification
from .tokens import DIGEST, unsubscribe_token

logger = logging.getLogger(__name__)

# Older than this, a notification is no longer news: it stays in the portal only. Longer than
# any quiet period (the summer holiday), so what waits for the next working period is sent.
NEWS_WITHIN = dt.timedelta(days=60)
MAX_ATTEMPTS = 5


def emailable_people(*, suspended_too: bool = False) -> QuerySet[User]:
    """Accounts that can be emailed: active, not suspended (unless ``suspended_too``), with an
    address that has not bounced."""
    bounced = BouncedAddress.objects.filter(email__iexact=OuterRef("email"))
    people = User.objects.filter(is_active=True, email__isnull=False).exclude(Exists(bounced))
    return people if suspended_too else people.filter(is_suspended=False)


def deliverable(now: dt.datetime) -> QuerySet[Notification]:
    """Notifications delivered by ``now`` that are still news (younger than ``NEWS_WITHIN``)."""
    return Notification.objects.filter(deliver_at__lte=now, created_at__gt=now - NEWS_WITHIN)


def reachable_now(due: QuerySet[Notification], now: dt.datetime) -> QuerySet[Notification]:
    """Those of ``due`` whose recipient may be told now: staff only in working time (R19, R31)."""
    return due if calendar_for().is_working_time(now) else due.filter(recipient__role=Role.PARENT)


def emails_due(now: dt.datetime) -> QuerySet[Notification]:
    """Notifications to email at once now, to someone who can be emailed: a suspended account
    only of the kinds that reach it (its warning, its suspension)."""
    due = deliverable(now).filter(
        email_state=Delivery.PENDING, channel=Channel.EMAIL, email_next_at__lte=now
    )
    due = due.filter(
        Q(recipient__in=emailable_people())
        | Q(
            kind__in=kinds_reaching_suspended(), recipient__in=emailable_people(suspended_too=True)
        )
    )
    return reachable_now(due, now)


def emails_reclaim(now: dt.datetime) -> int:
    """Claims lost with their worker (not renewed for ``CLAIM_TTL``) go back to be sent."""
    return Notification.objects.filter(
        email_state=Delivery.SENDING, email_next_at__lt=now - CLAIM_TTL
    ).update(email_state=Delivery.PENDING)


def emails_send(notification_ids: Sequence[int], *, now: dt.datetime | None = None) -> int:
    """Email each of these notifications that is still due, each at most once whatever runs at
    the same time. Returns how many were sent."""
    now = now or timezone.now()
    notifications = _claim(_with_their_fellows(notification_ids, now), now)
    if not notifications:
        return 0
    school = school_get()
    claims = Notification.objects.filter(
        pk__in=[n.pk for n in notifications], email_state=Delivery.SENDING
    )
    stamp = notifications[0].email_next_at or now
    sent = 0
    with (
        ClaimKeeper(stamp_renewal(claims, "email_next_at", stamp)) as keeper,
        get_connection() as connection,
    ):
        for group in _groups(notifications):
            if not keeper.held:  # the rest may be someone else's by now: the sweep has them
                logger.warning("email claims could not be renewed; leaving the rest")
                break
            sent += _send_group(group, connection, school, now)
    return sent


def _with_their_fellows(notification_ids: Sequence[int], now: dt.datetime) -> list[int]:
    """The batch, and for each member of staff in it every other email of the same kind due to
    them now: staff get one email per kind per sweep, summarising (R31). A large release
    (157 messages at 08:00) is handed out in many batches; the first claims them all, the rest
    find them taken."""
    due = emails_due(now)
    pairs = set(
        due.filter(pk__in=notification_ids)
        .exclude(recipient__role=Role.PARENT)
        .values_list("recipient_id", "kind")
    )
    if not pairs:
        return list(notification_ids)
    fellows = Q()
    for recipient_id, kind in pairs:
        fellows |= Q(recipient_id=recipient_id, kind=kind)
    return sorted(set(notification_ids) | set(due.filter(fellows).values_list("pk", flat=True)))


def _groups(notifications: Sequence[Notification]) -> list[list[Notification]]:
    """One email each for parents; for staff, one per kind (in the order claimed)."""
    groups: dict[tuple[int, str, int], list[Notification]] = {}
    for each in notifications:
        to_staff = each.recipient.role != Role.PARENT
        groups.setdefault((each.recipient_id, each.kind, 0 if to_staff else each.pk), []).append(
            each
        )
    return list(groups.values())


def _send_group(
    group: Sequence[Notification], connection: BaseEmailBackend, school: School, now: dt.datetime
) -> int:
    recipient = group[0].recipient
    if recipient.role != Role.PARENT and staff_emails_today(recipient, school, now) >= (
        school.staff_emails_per_day
    ):
        # The day's most emails were sent: these wait in the portal (the bell), unemailed.
        for each in group:
            _settle(each, Delivery.CAPPED)
        return 0
    if len(group) == 1:
        return _send_one(group[0], connection, school, now)
    try:
        connection.send_messages([summary_email(recipient, group, school)])
    except smtplib.SMTPRecipientsRefused as error:
        address_bounced(recipient, str(error))
        for each in group:
            _settle(each, Delivery.BOUNCED, error=str(error))
        return 0
    except Exception as error:  # the mail server failed it: back off, then try again
        for each in group:
            _failed(each, error, now)
        return 0
    emailed_at = timezone.now()
    for each in group:
        _settle(each, Delivery.SENT, emailed_at=emailed_at)
    return 1


def staff_emails_today(recipient: User, school: School, now: dt.datetime) -> int:
    """The emails sent to this person since midnight in the school's time zone: a summary
    settles all its notifications at one moment, so it counts once."""
    midnight = timezone.localtime(now, school.tz).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return (
        Notification.objects.filter(
            recipient=recipient, email_state=Delivery.SENT, emailed_at__gte=midnight
        )
        .values("emailed_at")
        .distinct()
        .count()
    )


def _claim(notification_ids: Sequence[int], now: dt.datetime) -> list[Notification]:
    """Claim the batch in one UPDATE (those another worker holds are left to it). Each email
    is then settled as it is sent, so a worker lost halfway leaves only unsent claims, which
    stop being renewed and are handed out again by the sweep."""
    due = emails_due(now).filter(pk__in=notification_ids)
    claimed_at = timezone.now()
    # The state is tested on the updated row itself, so of two workers claiming at once the
    # second finds the rows taken (PostgreSQL re-checks it after waiting for the first).
    claims = Notification.objects.filter(pk__in=due.values("pk"), email_state=Delivery.PENDING)
    if not claims.update(email_state=Delivery.SENDING, email_next_at=claimed_at):
        return []
    return list(
        Notification.objects.filter(
            pk__in=notification_ids, email_state=Delivery.SENDING, email_next_at=claimed_at
        )
        .select_related("recipient")
        .order_by("pk")
    )


def _send_one(
    notification: Notification, connection: BaseEmailBackend, school: School, now: dt.datetime
) -> int:
    try:
        connection.send_messages([notification_email(notification, school)])
    except smtplib.SMTPRecipientsRefused as error:
        address_bounced(notification.recipient, str(error))
        _settle(notification, Delivery.BOUNCED, error=str(error))
        return 0
    except Exception as error:  # the mail server failed this one: back off, then try again
        _failed(notification, error, now)
        return 0
    _settle(notification, Delivery.SENT, emailed_at=timezone.now())
    return 1


def _settle(notification: Notification, state: Delivery, **fields: object) -> None:
    error = str(fields.pop("error", ""))[:200]
    Notification.objects.filter(pk=notification.pk).update(
        email_state=state, email_error=error, **fields
    )


def _failed(notification: Notification, error: Exception, now: dt.datetime) -> None:
    attempts = notification.email_attempts + 1
    logger.warning(
        "could not email notification %s (attempt %s)", notification.pk, attempts, exc_info=True
    )
    if attempts >= MAX_ATTEMPTS:
        Notification.objects.filter(pk=notification.pk).update(
            email_state=Delivery.FAILED, email_attempts=attempts, email_error=str(error)[:200]
        )
        return
    Notification.objects.filter(pk=notification.pk).update(
        email_state=Delivery.PENDING,
        email_attempts=attempts,
        email_next_at=now + dt.timedelta(minutes=2 ** (attempts - 1)),
        email_error=str(error)[:200],
    )


def address_bounced(user: User, reason: str) -> None:
    """The mail server refused this person's address: send it nothing more; the office sees it."""
    if user.email:
        BouncedAddress.objects.update_or_create(
            email=user.email.lower(),
            defaults={"reason": reason[:200], "bounced_at": timezone.now()},
        )


def notification_email(notification: Notification, school: School) -> EmailMultiAlternatives:
    """One notification's email, in its recipient's language and the school's time zone."""
    recipient = notification.recipient
    kind = Kind(notification.kind)
    unsubscribe = _absolute(
        "notifications_unsubscribe", unsubscribe_token(recipient.pk, kind.value)
    )
    with _as_recipient(recipient, school) as language:
        context = _context(recipient, language, school)
        context |= {
            "title": title(notification),
            "detail": detail(
                notification,
                office_phone=school.office_phone,
                to_staff=recipient.role != Role.PARENT,
            ),
            "link": (
                _absolute("notification_open", notification.pk) if RULES[kind].opens_portal else ""
            ),
            "unsubscribe_link": unsubscribe if RULES[kind].settable else "",
        }
        if not RULES[kind].opens_portal:
            context["settings_link"] = ""
        return _email(recipient, "notification", context, str(context["title"]))


# A summary lists this many of its notifications; the rest are in the portal.
SUMMARY_LISTS = 10


def summary_email(
    recipient: User, notifications: Sequence[Notification], school: School
) -> EmailMultiAlternatives:
    """One email telling a member of staff of several notifications of one kind (R31): "5 new
    messages from parents of Rowan", the first few listed, and the portal's link."""
    with _as_recipient(recipient, school) as language:
        context = _context(recipient, language, school)
        kind = Kind(notifications[0].kind)
        subject = summary_title(notifications)
        shown = notifications[:SUMMARY_LISTS]
        context |= {
            "title": subject,
            "items": [
                {
                    "title": title(notification),
                    "link": _absolute("notification_open", notification.pk),
                }
                for notification in shown
            ],
            "more": len(notifications) - len(shown),
            "link": _absolute("notifications"),
            "unsubscribe_link": (
                _absolute("notifications_unsubscribe", unsubscribe_token(recipient.pk, kind.value))
                if RULES[kind].settable
                else ""
            ),
        }
        return _email(recipient, "summary", context, subject)


def digest_email(
    recipient: User, notifications: Sequence[Notification], day: dt.date, school: School
) -> EmailMultiAlternatives:
    """The day's digest: one line for each notification, newest last."""
    with _as_recipient(recipient, school) as language:
        context = _context(recipient, language, school)
        context |= {
            "day": day,
            "items": [
                {
                    "title": title(notification),
                    "link": _absolute("notification_open", notification.pk),
                }
                for notification in notifications
            ],
            "unsubscribe_link": _absolute(
                "notifications_unsubscribe", unsubscribe_token(recipient.pk, DIGEST)
            ),
        }
        subject = translation.gettext("Your news from school")
        return _email(recipient, "digest", context, subject)


@contextmanager
def _as_recipient(recipient: User, school: School) -> Iterator[str]:
    """The recipient's language, if the portal's texts are translated into it (an email, like a
    page, claims only a language it is written in), and the school's time zone."""
    language = interface_language(recipient.preferred_language) or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(school.tz):
        yield language


def _context(recipient: User, language: str, school: School) -> dict[str, object]:
    return {
        "school": school,
        "language": language,
        "to_staff": recipient.role != Role.PARENT,
        "settings_link": _absolute("notification_settings"),
    }


def _absolute(name: str, *args: object) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _email(
    recipient: User, template: str, context: dict[str, object], subject: str
) -> EmailMultiAlternatives:
    # Rendered in the recipient's language (``_as_recipient``): Arabic and Urdu right to left.
    text = plain_text_directed(render_to_string(f"notifications/email/{template}.txt", context))
    html = render_to_string(f"notifications/email/{template}.html", context)
    headers = {"Content-Language": str(context["language"]), "Auto-Submitted": "auto-generated"}
    if context.get("unsubscribe_link"):
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_link']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    assert recipient.email  # emailable_people keeps only accounts with an address
    email = EmailMultiAlternatives(
        subject_directed(subject), text, to=[recipient.email], headers=headers
    )
    email.attach_alternative(html, "text/html")
    return email
