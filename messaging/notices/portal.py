"""Notices in the portal (R31) and the leaders' overdue list (R21): who sees them, what they
read (each a fixed number of queries), and marking notices read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import Role, User
from accounts.permissions import has_role
from classes.names import display_names

from ..models import Message, Notice, NoticeKind, ParentWarning
from ..permissions import can_use_messaging
from ..selectors import unread_count

# The notices page shows the latest ones.
NOTICES_SHOWN = 50


# Who sees what


def can_see_notices(user: Any) -> bool:
    """Everyone with an inbox (parents, teachers, support staff where allowed) has notices."""
    return can_use_messaging(user)


def can_see_overdue(user: Any) -> bool:
    """Leaders see every reply that is overdue (R21)."""
    return has_role(user, Role.LEADER)


# Notices


def _unread() -> Q:
    """A notice is read once marked read, or, for a new message, once the message is seen."""
    return Q(read_at__isnull=True) & ~Q(
        kind=NoticeKind.NEW_MESSAGE, message__seen_at__isnull=False
    )


def _shown_to(viewer: User) -> QuerySet[Notice]:
    return Notice.objects.filter(recipient=viewer).exclude(
        kind=NoticeKind.NEW_MESSAGE, message__withdrawn_at__isnull=False
    )


@dataclass(frozen=True)
class NoticeRow:
    """One line of the notices page."""

    notice: Notice
    unread: bool
    pupil_name: str
    other_name: str  # who wrote: the parent for staff; the teacher (or office) for a parent
    warning_reason: str


def notices_for(viewer: User, *, limit: int = NOTICES_SHOWN) -> list[NoticeRow]:
    """The viewer's latest notices, newest first, each with the thread's child by display
    name (R6) and, for a warning, its reason. Two queries."""
    warning = ParentWarning.objects.filter(
        flag__message=OuterRef("message_id"), parent=OuterRef("recipient_id")
    ).values("reason")[:1]
    notices = list(
        _shown_to(viewer)
        .annotate(warning_reason=Subquery(warning), is_unread=_unread())
        .select_related(
            "message__thread__parent", "message__thread__teacher", "message__thread__pupil"
        )
        .order_by("-created_at", "-pk")[:limit]
    )
    names = display_names([notice.message.thread.pupil for notice in notices])
    return [_row(notice, viewer, names) for notice in notices]


def _row(notice: Notice, viewer: User, names: dict[int, str]) -> NoticeRow:
    thread = notice.message.thread
    other = thread.parent if viewer.pk != thread.parent_id else thread.teacher
    return NoticeRow(
        notice=notice,
        unread=bool(notice.is_unread),  # type: ignore[attr-defined]
        pupil_name=names.get(thread.pupil_id, ""),
        other_name=other.display_name if other else "",
        warning_reason=notice.warning_reason or "",  # type: ignore[attr-defined]
    )


@dataclass(frozen=True)
class NoticeCounts:
    """For the bell: unread notices and unseen messages."""

    notices: int
    messages: int

    @property
    def total(self) -> int:
        return self.notices + self.messages


def notice_counts(viewer: User, *, now: dt.datetime | None = None) -> NoticeCounts:
    """Unread notices and delivered messages not yet seen (two queries)."""
    notices = _shown_to(viewer).filter(_unread()).count()
    return NoticeCounts(notices=notices, messages=unread_count(viewer, now=now))


def notice_mark_read(*, acting_user: User, notice: Notice) -> Notice:
    """The recipient marks one notice read (once: the first time is kept)."""
    if notice.recipient_id != acting_user.pk:
        raise PermissionDenied
    Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())
    notice.refresh_from_db(fields=["read_at"])
    return notice


def notices_mark_all_read(*, acting_user: User) -> int:
    """The acting user marks all their notices read; returns how many were unread."""
    return Notice.objects.filter(recipient=acting_user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# Leaders: the overdue list (R21)


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
