"""What the office keeps and works beyond the one-to-one threads: the office inbox (R22), the
ready replies teachers send (R24), and a teacher's message to every parent of a class.

The office inbox is a ``Thread`` with no teacher, filed under a topic, between one parent and
the office about one child. It is not bound to teachers' quiet time (R19 protects teachers):
a parent's message to the office is delivered at once, so an absence reported at 07:30 is
there when the office opens, and the office's answer reaches the parent at once. R21's reply
promise is the teacher's, so office messages carry no reply-due time: the office works its
inbox urgent first, then by who has waited longest. A new message from a parent goes into
their open thread on the same child and topic; a parent writing in a closed thread reopens it,
so nothing they send lies unread in the closed list.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ParentLink, Role, User
from classes.models import Pupil, SchoolClass
from core.queue import enqueue_on_commit

from ..models import Message, ReadyReply, Thread, Topic
from ..permissions import (
    can_broadcast,
    can_work_office_inbox,
    classes_messaged_by,
    may_write_to_office,
)
from ..selectors import ready_reply_text
from ..translations import needs_translation
from .messages import check_body, message_reply

UNKNOWN_TOPIC = _("Choose what the message is about.")
NOT_A_READY_REPLY = _("That ready reply is not in use any more.")
PARENT_GONE = _(
    "This parent or carer has deleted their account: the conversation is kept as the school's "
    "record, and there is nobody to reply to."
)
NOBODY_IN_CLASS = _("Nobody to send to: no parent of this class has joined the portal yet.")
MEETING_REQUEST = _("Please can we arrange a meeting with %(teacher)s about my child's progress?")
MEETING_REQUEST_ANY = _("Please can we arrange a meeting about my child's progress?")

# The office inbox (R22)


def _office_add(thread: Thread, author: User, text: str) -> Message:
    """A message in an office thread, delivered at once (the office has no quiet time)."""
    now = timezone.now()
    message = Message.objects.create(
        thread=thread,
        author=author,
        from_parent=author.pk == thread.parent_id,
        body=text,
        language=author.preferred_language,
        sent_at=now,
        deliver_at=now,
    )
    if needs_translation(thread, message):  # R34: for the office, or for the parent
        enqueue_on_commit("messaging.tasks.translate_message", message.pk)
    return message


@transaction.atomic
def office_message_send(*, acting_user: User, pupil: Pupil, topic: str, body: str) -> Message:
    """A parent's message to the office about their child, filed under ``topic``: into their
    open office thread on that child and topic, or a new one."""
    if not may_write_to_office(acting_user, pupil):
        raise PermissionDenied
    if topic not in Topic.values:
        raise ValidationError(UNKNOWN_TOPIC, code="topic")
    text = check_body(body)
    thread = (
        Thread.objects.select_for_update()
        .filter(parent=acting_user, pupil=pupil, topic=topic, teacher__isnull=True)
        .filter(closed_at__isnull=True)
        .first()
    ) or Thread.objects.create(parent=acting_user, pupil=pupil, topic=topic, teacher=None)
    return _office_add(thread, acting_user, text)


def office_meeting_request(
    *, acting_user: User, pupil: Pupil, teacher: User | None, body: str
) -> Message:
    """A parent asks the office for a meeting about their child's progress (R22): the request
    names the teacher, and the parent's own words follow it so the office knows the matter."""
    text = check_body(body)
    request = (
        MEETING_REQUEST % {"teacher": teacher.display_name} if teacher else MEETING_REQUEST_ANY
    )
    return office_message_send(
        acting_user=acting_user, pupil=pupil, topic=Topic.PROGRESS, body=f"{request}\n\n{text}"
    )


@transaction.atomic
def office_message_add(*, acting_user: User, thread: Thread, body: str) -> Message:
    """A message in an office thread: from its parent (reopening the thread if the office had
    closed it), or from office staff (who take an unassigned thread by answering it)."""
    if thread.teacher_id is not None:
        raise PermissionDenied
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if thread.parent_id is None:
        raise ValidationError(PARENT_GONE, code="parent_gone")
    if acting_user.pk == thread.parent_id:
        if not may_write_to_office(acting_user, thread.pupil):
            raise PermissionDenied
        thread.closed_at = None
    elif can_work_office_inbox(acting_user):
        thread.assigned_to = thread.assigned_to or acting_user
    else:
        raise PermissionDenied
    message = _office_add(thread, acting_user, check_body(body))
    thread.save(update_fields=["closed_at", "assigned_to"])
    return message


def _office_update(acting_user: User, thread: Thread, **fields: Any) -> Thread:
    if not can_work_office_inbox(acting_user) or thread.teacher_id is not None:
        raise PermissionDenied
    Thread.objects.filter(pk=thread.pk).update(**fields)
    thread.refresh_from_db()
    return thread


def office_thread_assign(*, acting_user: User, thread: Thread) -> Thread:
    """Office staff take an office thread: it is theirs to answer."""
    return _office_update(acting_user, thread, assigned_to=acting_user)


def office_thread_close(*, acting_user: User, thread: Thread) -> Thread:
    """The matter is dealt with: the thread moves to the closed list (kept, never deleted)."""
    return _office_update(acting_user, thread, closed_at=thread.closed_at or timezone.now())


def office_thread_reopen(*, acting_user: User, thread: Thread) -> Thread:
    return _office_update(acting_user, thread, closed_at=None)


def office_messages_mark_seen(
    *, reader: User, thread: Thread, now: dt.datetime | None = None
) -> int:
    """The office has read the parent's messages (the parent sees "seen", R20)."""
    if not can_work_office_inbox(reader) or thread.teacher_id is not None:
        return 0
    return Message.objects.filter(
        thread=thread, from_parent=True, seen_at__isnull=True, withdrawn_at__isnull=True
    ).update(seen_at=now or timezone.now())


# Ready replies (R24)


def ready_reply_send(*, acting_user: User, thread: Thread, reply_id: int) -> Message:
    """A teacher answers with a ready reply in one click; sent as any reply is, so R18 and the
    rest hold (``messaging.services.messages.message_reply``)."""
    if thread.teacher_id is None or acting_user.pk != thread.teacher_id:
        raise PermissionDenied
    reply = ReadyReply.objects.filter(pk=reply_id, active=True).first()
    if reply is None:
        raise ValidationError(NOT_A_READY_REPLY, code="ready_reply")
    return message_reply(acting_user=acting_user, thread=thread, body=ready_reply_text(reply))


# One message to every parent of a class (R18)


@transaction.atomic
def class_broadcast(*, acting_user: User, school_class: SchoolClass, body: str) -> list[Message]:
    """The same message from ``acting_user`` in each parent's own thread with them about each
    of their children in the class, so no parent sees another. Only for a class R18 lets the
    sender write to now. A fixed number of queries whatever the size of the class."""
    allowed = classes_messaged_by(acting_user).filter(pk=school_class.pk)
    if not can_broadcast(acting_user) or not allowed.exists():
        raise PermissionDenied
    text = check_body(body)
    pairs = set(
        ParentLink.objects.filter(
            pupil__school_class=school_class,
            pupil__leaving_date__isnull=True,
            parent__role=Role.PARENT,
            parent__is_active=True,
        ).values_list("parent_id", "pupil_id")
    )
    if not pairs:
        raise ValidationError(NOBODY_IN_CLASS, code="nobody")
    Thread.objects.bulk_create(
        [Thread(parent_id=p, teacher=acting_user, pupil_id=c) for p, c in pairs],
        ignore_conflicts=True,  # an existing conversation is used, not repeated
    )
    threads = Thread.objects.filter(teacher=acting_user, pupil__school_class=school_class)
    now = timezone.now()
    return Message.objects.bulk_create(
        Message(
            thread_id=thread_id,
            author=acting_user,
            from_parent=False,
            body=text,
            language=acting_user.preferred_language,
            sent_at=now,
            deliver_at=now,  # a teacher's message reaches parents at once, as any reply does
        )
        for thread_id, parent_id, pupil_id in threads.values_list("pk", "parent_id", "pupil_id")
        if (parent_id, pupil_id) in pairs
    )
