"""The sweep that beat runs every minute (R19, R21): a notice for every delivered message
that has none, one reminder per thread whose reply is overdue (in working time only), and the
list of notices now due an email. Safe to run twice, or in two beat processes at once: notices
have a unique key (inserts that meet it are ignored) and a reminder claims its messages with a
conditional UPDATE of ``reminded_at``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from classes.worktime import calendar_for

from ..models import Message, Notice, NoticeKind
from .emails import NOTICE_WITHIN, emailable_notices

# Bounds one sweep's work; what is left is found by the next sweep.
MAX_PER_SWEEP = 50_000


@dataclass(frozen=True)
class SweepResult:
    """What one sweep did: notices offered for new messages (an insert that meets an existing
    notice is ignored), threads reminded, and the notices now due an email, oldest first."""

    offered: int
    reminded: int
    to_email: list[int]


def notices_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """Record a notice for every delivered message that has none; in working time, remind the
    teacher of each thread whose reply is overdue (R21); return the notices due an email now.
    Idempotent, and safe in two processes at once."""
    now = now or timezone.now()
    working = calendar_for().is_working_time(now)
    offered = _notify_new_messages(now)
    reminded = _remind_overdue(now) if working else 0
    return SweepResult(offered, reminded, _emailable(now, working=working))


def _notify_new_messages(now: dt.datetime) -> int:
    """One bulk insert: a notice to the other side of the thread for each delivered, unseen
    message without one (a parent's message to the teacher; a staff message to the parent)."""
    noticed = Notice.objects.filter(message=OuterRef("pk"), kind=NoticeKind.NEW_MESSAGE)
    rows = (
        Message.objects.filter(
            deliver_at__lte=now,
            deliver_at__gt=now - NOTICE_WITHIN,
            seen_at__isnull=True,
            withdrawn_at__isnull=True,
        )
        .filter(Q(from_parent=False) | Q(thread__teacher__isnull=False))  # not the office's
        .exclude(Exists(noticed))
        .values_list("pk", "from_parent", "thread__teacher_id", "thread__parent_id")[
            :MAX_PER_SWEEP
        ]
    )
    notices = [
        Notice(
            message_id=pk,
            recipient_id=teacher_id if from_parent else parent_id,
            kind=NoticeKind.NEW_MESSAGE,
            created_at=now,
        )
        for pk, from_parent, teacher_id, parent_id in rows
    ]
    Notice.objects.bulk_create(notices, ignore_conflicts=True, batch_size=1000)
    return len(notices)


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
        .values_list("pk", "thread_id", "thread__teacher_id")
    )
    reminded = 0
    for _thread_id, group in groupby(overdue, key=lambda row: row[1]):
        rows = list(group)
        reminded += _remind_thread([row[0] for row in rows], teacher_id=rows[0][2], now=now)
    return reminded


@transaction.atomic
def _remind_thread(message_ids: list[int], *, teacher_id: int, now: dt.datetime) -> int:
    """Claim the thread's overdue messages; only the sweep whose UPDATE changed them records
    the reminder (on the earliest, so a second claimant would meet the unique key)."""
    claimed = Message.objects.filter(pk__in=message_ids, reminded_at__isnull=True).update(
        reminded_at=now
    )
    if not claimed:
        return 0
    notice = Notice(
        message_id=message_ids[0],
        recipient_id=teacher_id,
        kind=NoticeKind.REPLY_OVERDUE,
        created_at=now,
    )
    Notice.objects.bulk_create([notice], ignore_conflicts=True)
    return 1


def _emailable(now: dt.datetime, *, working: bool) -> list[int]:
    return list(
        emailable_notices(now, working=working)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:MAX_PER_SWEEP]
    )
