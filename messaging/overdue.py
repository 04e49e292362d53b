"""The leaders' list of overdue replies (R21): who sees it and what it shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from accounts.models import Role
from accounts.permissions.accounts import has_role
from classes.names import display_names

from .models import Message


def can_see_overdue(user: Any) -> bool:
    """Leaders see every reply that is overdue (R21)."""
    return has_role(user, Role.LEADER)


@dataclass(frozen=True)
class OverdueRow:
    """A parent's message past its reply due time with no staff reply."""

    message: Message
    pupil_name: str
    class_name: str
    teacher_name: str
    late: dt.timedelta


def overdue_replies(*, now: dt.datetime | None = None) -> list[OverdueRow]:
    """Every parent's message to a teacher whose reply is overdue, oldest due first, with the
    child by display name (R6), class and teacher. Two queries."""
    now = now or timezone.now()
    messages = list(
        Message.objects.filter(
            from_parent=True,
            reply_due_at__lt=now,
            withdrawn_at__isnull=True,
            thread__teacher__isnull=False,
        )
        .select_related("thread__teacher", "thread__pupil__school_class")
        .order_by("reply_due_at", "pk")
    )
    names = display_names([message.thread.pupil for message in messages])
    return [_overdue_row(message, names, now) for message in messages]


def _overdue_row(message: Message, names: dict[int, str], now: dt.datetime) -> OverdueRow:
    thread = message.thread
    school_class = thread.pupil.school_class
    assert message.reply_due_at is not None and thread.teacher is not None
    return OverdueRow(
        message=message,
        pupil_name=names.get(thread.pupil_id, ""),
        class_name=school_class.name if school_class else "",
        teacher_name=thread.teacher.display_name,
        late=now - message.reply_due_at,
    )
