"""Emails of notices (R19, R23, R31). A notice is emailed at most once: it is claimed with a
conditional UPDATE of ``emailed_at`` before it is sent, so two workers never both send it, and
a send that fails gives the claim back for the next sweep. Staff are emailed only in working
time; parents at any time. An email is in its recipient's language, names a child by display
name only (R6) and carries no message text: only who wrote and a link to the portal."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role
from classes.models import School
from classes.names import display_names
from classes.selectors import school_get
from classes.worktime import calendar_for

from ..models import Notice, NoticeKind

logger = logging.getLogger(__name__)

# A message delivered, or a notice recorded, longer ago than this is no longer news: the sweep
# leaves it to the portal. Longer than any quiet period (the summer holiday), so a notice that
# waits for the next working period is still emailed when it comes.
NOTICE_WITHIN = dt.timedelta(days=60)
# The template names of each kind's email (``messaging/email/<name>_subject.txt``, ``_body``).
EMAIL_TEMPLATES = {
    NoticeKind.NEW_MESSAGE: "new_message",
    NoticeKind.REPLY_OVERDUE: "reply_overdue",
    NoticeKind.WARNING: "warning",
}


def emailable_notices(now: dt.datetime, *, working: bool) -> QuerySet[Notice]:
    """Notices due an email now: not yet emailed, recent, to an active account; to staff only
    in working time (R19); not for a message since withdrawn, nor a reminder since answered."""
    notices = Notice.objects.filter(
        emailed_at__isnull=True,
        created_at__gt=now - NOTICE_WITHIN,
        kind__in=list(EMAIL_TEMPLATES),
        recipient__is_active=True,
        recipient__is_suspended=False,
        recipient__email__isnull=False,
    ).exclude(
        Q(kind=NoticeKind.NEW_MESSAGE, message__withdrawn_at__isnull=False)
        | Q(kind=NoticeKind.REPLY_OVERDUE, message__reply_due_at__isnull=True)
    )
    return notices if working else notices.filter(recipient__role=Role.PARENT)


def notices_email(*, notice_ids: Sequence[int], now: dt.datetime | None = None) -> int:
    """Email each of the notices that is still due an email (checked again now: a notice to
    staff waits while it is quiet time), each at most once whatever runs at the same time.
    Three queries, then one UPDATE per email. Returns how many were sent."""
    now = now or timezone.now()
    working = calendar_for().is_working_time(now)
    notices = list(
        emailable_notices(now, working=working)
        .filter(pk__in=notice_ids)
        .select_related("recipient", "message__thread__parent", "message__thread__pupil")
        .order_by("pk")
    )
    if not notices:
        return 0
    names = display_names([notice.message.thread.pupil for notice in notices])
    school = school_get()
    with get_connection() as connection:
        return sum(_send(notice, _email(notice, names, school), connection) for notice in notices)


def _send(notice: Notice, email: EmailMessage, connection: BaseEmailBackend) -> int:
    """Claim, then send; a send that fails gives the claim back for the next sweep."""
    claimed_at = timezone.now()
    if not Notice.objects.filter(pk=notice.pk, emailed_at__isnull=True).update(
        emailed_at=claimed_at
    ):
        return 0  # another worker has it
    try:
        connection.send_messages([email])
    except Exception:  # the mail server failed this one: the next sweep tries again
        Notice.objects.filter(pk=notice.pk, emailed_at=claimed_at).update(emailed_at=None)
        logger.warning("could not email notice %s; will retry", notice.pk, exc_info=True)
        return 0
    return 1


def _email(notice: Notice, names: dict[int, str], school: School) -> EmailMessage:
    """The email of one notice, in its recipient's language and the school's time zone."""
    recipient = notice.recipient
    language = recipient.preferred_language or settings.LANGUAGE_CODE
    template = EMAIL_TEMPLATES[NoticeKind(notice.kind)]
    with translation.override(language), timezone.override(school.tz):
        context = _email_context(notice, names, school)
        subject = render_to_string(f"messaging/email/{template}_subject.txt", context)
        body = render_to_string(f"messaging/email/{template}_body.txt", context)
    headers = {"Content-Language": language, "Auto-Submitted": "auto-generated"}
    assert recipient.email  # emailable_notices keeps only accounts with an address
    return EmailMessage(" ".join(subject.split()), body, to=[recipient.email], headers=headers)


def _email_context(notice: Notice, names: dict[int, str], school: School) -> dict[str, object]:
    message, thread = notice.message, notice.message.thread
    return {
        "school": school,
        "to_staff": notice.recipient.role != Role.PARENT,
        "from_office": thread.teacher_id is None,
        "parent_name": thread.parent.display_name,
        "pupil_name": names.get(thread.pupil_id, ""),
        "sent_at": message.sent_at,
        "due_at": message.reply_due_at,
        "link": settings.SITE_URL + reverse("messaging_thread", args=[thread.pk]),
        "notices_link": settings.SITE_URL + reverse("messaging_notices"),
    }
