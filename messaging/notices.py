"""What messaging tells people (R19, R21, R23, R31), through the notification service.

Beat runs :func:`notices_sweep` every minute. A message's notification follows from its stored
delivery time, so a worker or broker that was down only delays it: the sweep finds every
delivered message not yet notified and tells the other side of the thread; in working time it
reminds the teacher of each thread whose reply is overdue, once (R21). Both are safe to run
twice, or in two beat processes at once: the service records each event once per recipient
(a unique key), and a reminder claims its messages with a conditional UPDATE of
``reminded_at``. How and when each person hears of it (staff never in quiet time) is the
service's business.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from classes.names import display_names
from classes.worktime import calendar_for
from notifications.models import Kind
from notifications.services import Event, notify

from .models import Message, ParentWarning, Thread
from .permissions import may_write_in

# A message delivered longer ago than this is no longer news: the sweep leaves it to the inbox.
# Longer than any quiet period (the summer holiday).
NOTICE_WITHIN = dt.timedelta(days=60)
# Bounds one sweep's work; what is left is found by the next sweep.
MAX_PER_SWEEP = 20_000


@dataclass(frozen=True)
class SweepResult:
    """What one sweep did: messages notified, threads reminded."""

    notified: int
    reminded: int


def message_key(message_id: int) -> str:
    return f"message:{message_id}"


def thread_link(thread_id: int) -> str:
    return reverse("messaging_thread", args=[thread_id])


def notices_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """Tell of every delivered message not yet told; in working time, remind the teacher of
    each thread whose reply is overdue (R21). Idempotent, and safe in two processes at once."""
    now = now or timezone.now()
    notified = _notify_new_messages(now)
    reminded = _remind_overdue(now) if calendar_for().is_working_time(now) else 0
    return SweepResult(notified, reminded)


def _notify_new_messages(now: dt.datetime) -> int:
    """A notification to the other side of the thread for each delivered, unseen message not
    yet notified (a parent's message to its teacher; a staff or office message to the parent).
    Every message is marked notified, told or not, so no sweep reads it again."""
    messages = list(
        Message.objects.filter(
            notified_at__isnull=True,
            deliver_at__lte=now,
            deliver_at__gt=now - NOTICE_WITHIN,
            withdrawn_at__isnull=True,
        )
        .select_related("author", "thread__parent", "thread__teacher", "thread__pupil")
        .order_by("pk")[:MAX_PER_SWEEP]
    )
    names = display_names([message.thread.pupil for message in messages])
    events = (_new_message(message, names) for message in messages if not message.seen_at)
    notify([event for event in events if event is not None], now=now)
    Message.objects.filter(pk__in=[message.pk for message in messages]).update(notified_at=now)
    return len(messages)


def _new_message(message: Message, names: dict[int, str]) -> Event | None:
    """The notification of one message to the other side, or None when nobody is to be told:
    the office works its inbox, and a parent who has deleted their account is gone (R28)."""
    thread = message.thread
    if message.from_parent:
        recipient, sender = thread.teacher, thread.parent_name
    else:
        # its author, who may not be the thread's teacher now (a cover handed over)
        recipient = thread.parent
        sender = message.author_name if thread.teacher else ""
    if recipient is None:
        return None
    return Event(
        kind=Kind.NEW_MESSAGE,
        key=message_key(message.pk),
        recipient_id=recipient.pk,
        link=thread_link(thread.pk),
        context={
            "pupil": names.get(thread.pupil_id, ""),
            "sender": sender,
            "from_parent": message.from_parent,
            "from_office": thread.teacher_id is None,
        },
    )


def _remind_overdue(now: dt.datetime) -> int:
    """R21: one reminder per thread whose parent's messages are past their reply due time with
    no staff reply (a reply clears ``reply_due_at``). Returns the threads reminded."""
    overdue = (
        Message.objects.filter(
            from_parent=True,
            reply_due_at__lte=now,
            reminded_at__isnull=True,
            withdrawn_at__isnull=True,
            thread__teacher__isnull=False,
        )
        .order_by("thread_id", "reply_due_at", "pk")
        .values_list("pk", "thread_id")
    )
    reminded = 0
    for thread_id, group in groupby(overdue, key=lambda row: row[1]):
        message_ids = [row[0] for row in group]
        if _teacher_may_write(thread_id):
            reminded += _remind_thread(message_ids, now=now)
    return reminded


def _teacher_may_write(thread_id: int) -> bool:
    """Nobody is reminded of a thread they can no longer write in (a cover that ended with no
    class teacher to hand it to, a child who moved class): the leaders' overdue list shows it."""
    thread = Thread.objects.select_related("parent", "teacher", "pupil").get(pk=thread_id)
    return thread.teacher is not None and may_write_in(thread.teacher, thread)


@transaction.atomic
def _remind_thread(message_ids: list[int], *, now: dt.datetime) -> int:
    """Claim the thread's overdue messages; only the sweep whose UPDATE changed them records
    the reminder (keyed by the earliest message, so a second claimant meets the unique key)."""
    claimed = Message.objects.filter(pk__in=message_ids, reminded_at__isnull=True).update(
        reminded_at=now
    )
    if not claimed:
        return 0
    first = Message.objects.select_related(
        "thread__parent", "thread__teacher", "thread__pupil"
    ).get(pk=message_ids[0])
    thread = first.thread
    assert thread.teacher_id is not None
    names = display_names([thread.pupil])
    event = Event(
        kind=Kind.REPLY_OVERDUE,
        key=message_key(first.pk),
        recipient_id=thread.teacher_id,
        link=thread_link(thread.pk),
        context={
            "pupil": names.get(thread.pupil_id, ""),
            "sender": thread.parent_name,
        },
    )
    notify([event], now=now)
    return 1


def warning_notify(warning: ParentWarning) -> None:
    """R23: the parent is told of their formal warning, with its reason, whatever their
    settings. It links to the notification centre, the one page that shows the reason (the
    email leaves it out), and reading the thread does not count as reading it."""
    event = Event(
        kind=Kind.WARNING,
        key=f"warning:{warning.pk}",
        recipient_id=warning.parent_id,
        link=reverse("notifications"),
        context={"reason": warning.reason},
    )
    notify([event])
