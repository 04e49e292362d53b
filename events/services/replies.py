"""Families' replies to an event, and the author's one reminder to those who have not
answered (R35).

One reply per child is kept by a unique constraint, not a lock: when two parents (or two taps)
answer for the same child at once, the one that comes second is told, and one reply is
stored. The one reminder is claimed by a conditional UPDATE of ``reminded_at`` in the same
transaction as the notifications it records.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ParentLink, User
from classes.models import Pupil
from classes.selectors import school_get
from notifications.models import Kind
from notifications.services import Event as Notice
from notifications.services import notify

from ..dates import replies_open
from ..models import Answer, Event, Reply
from ..permissions import audience_pupils, can_remind, children_replying

REPLIES_CLOSED = _("Replies for this event have closed, so your answer was not saved.")
NOT_IN_AUDIENCE = _("This event is not for that child, so no answer was saved.")
ANSWERED_MEANWHILE = _(
    "Someone in your family answered for this child at the same moment. Their answer is "
    "shown: change it if it is not right."
)
NOT_AN_ANSWER = _("Choose going, not going or maybe.")
REMINDED_ALREADY = _("The reminder for this event has been sent already: there is one.")
NOTHING_TO_REMIND = _("Every family has answered: there is no one to remind.")


def reply_key(event_id: int) -> str:
    return f"event-reminder:{event_id}"


@transaction.atomic
def reply_set(*, acting_user: User, event: Event, pupil: Pupil, answer: str) -> Reply:
    """A parent's answer for one of their children, new or changed, until replies close.
    ValidationError, with nothing stored, after the deadline, for a child the event is not for
    (or not theirs), or when another answer for the child was stored at the same moment."""
    if answer not in Answer.values:
        raise ValidationError(NOT_AN_ANSWER, code="answer")
    if not children_replying(acting_user, event).filter(pk=pupil.pk).exists():
        raise ValidationError(NOT_IN_AUDIENCE, code="audience")
    now = timezone.now()
    if not replies_open(event, school_get().tz, now):
        raise ValidationError(REPLIES_CLOSED, code="closed")
    reply = Reply.objects.select_for_update().filter(event=event, pupil=pupil).first()
    if reply is not None:
        reply.answer, reply.answered_by, reply.answered_at = answer, acting_user, now
        reply.save(update_fields=["answer", "answered_by", "answered_at"])
        return reply
    reply = Reply(event=event, pupil=pupil, answer=answer, answered_by=acting_user)
    reply.answered_at = now
    try:
        with transaction.atomic():
            reply.save()
    except IntegrityError:
        raise ValidationError(ANSWERED_MEANWHILE, code="race") from None
    return reply


def _unanswered_parents(event: Event) -> list[int]:
    answered = Reply.objects.filter(event=event).values("pupil_id")
    waiting = audience_pupils(event.post).exclude(pk__in=answered).values("pk")
    links = ParentLink.objects.filter(pupil__in=waiting, parent__is_active=True)
    return sorted(set(links.values_list("parent_id", flat=True)))


@transaction.atomic
def event_remind(*, acting_user: User, event: Event, now: dt.datetime | None = None) -> int:
    """The author's one reminder, to the parents of every child with no answer yet, through
    the notification centre as a post is told (each parent's settings and quiet time apply).
    Returns how many parents were reminded; ValidationError if it was sent already, replies
    have closed, or everyone has answered."""
    if not can_remind(acting_user, event):
        raise PermissionDenied
    now = now or timezone.now()
    if not replies_open(event, school_get().tz, now):
        raise ValidationError(REPLIES_CLOSED, code="closed")
    parents = _unanswered_parents(event)
    if not parents:
        raise ValidationError(NOTHING_TO_REMIND, code="nobody")
    claimed = Event.objects.filter(pk=event.pk, reminded_at__isnull=True).update(reminded_at=now)
    if not claimed:
        raise ValidationError(REMINDED_ALREADY, code="reminded")
    event.reminded_at = now
    link = reverse("events_event", args=[event.pk])
    context = {"event": event.title}
    return notify(
        [Notice(Kind.NEW_POST, reply_key(event.pk), parent, link, context) for parent in parents],
        now=now,
    )
