"""When a cover window ends, the questions still open in it pass to the class teacher (R18,
R21).

A parent may write to the teacher covering their child's class while the cover runs. When the
window ends with the parent's message unanswered, the cover teacher can no longer write in the
thread, so the thread passes to the class teacher: it keeps every message (the cover teacher's
replies under her own name) and each open message keeps its reply-due time, so the class
teacher inherits the promise made to the parent and is reminded if it passes. The parent is
told who will answer, and the class teacher that the question is theirs. The cover teacher is
reminded of nothing more: the thread is no longer hers.

Beat's messaging sweep hands over every cover that has ended (``covers_hand_over``). Each
cover is handed over once: a ``CoverHandover`` row claims it, so a sweep run twice, or in two
processes at once, does nothing the second time.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import User
from classes.models import CoverAssignment
from classes.names import display_names
from classes.selectors import teachers_by_class
from notifications.models import Kind
from notifications.services import Event, notifications_relink, notify, retract

from .models import CoverHandover, Message, Thread
from .notices import NOTICE_WITHIN, message_key, thread_link
from .permissions import may_message

# Bounds one sweep's work; the covers left are handed over by the next sweep.
COVERS_PER_SWEEP = 200


def covers_hand_over(*, now: dt.datetime | None = None) -> int:
    """Hand over every cover that has ended and not yet been handed over (ended within the
    last ``NOTICE_WITHIN``: an older one was dealt with long ago, or predates this). Returns
    the threads handed to a class teacher."""
    now = now or timezone.now()
    ended = (
        CoverAssignment.objects.filter(
            ends_at__lte=now, ends_at__gt=now - NOTICE_WITHIN, handover__isnull=True
        )
        .order_by("ends_at", "pk")
        .values_list("pk", flat=True)[:COVERS_PER_SWEEP]
    )
    return sum(cover_hand_over(cover_id=cover_id, now=now) for cover_id in list(ended))


def _open_question() -> Exists:
    return Exists(
        Message.objects.filter(
            thread=OuterRef("pk"),
            from_parent=True,
            reply_due_at__isnull=False,
            withdrawn_at__isnull=True,
        )
    )


@transaction.atomic
def cover_hand_over(*, cover_id: int, now: dt.datetime | None = None) -> int:
    """Pass the open questions of one ended cover to the class teacher; the first call claims
    the cover, any later one does nothing. Returns the threads handed over."""
    now = now or timezone.now()
    cover = CoverAssignment.objects.select_related("teacher").get(pk=cover_id)
    if cover.ends_at > now:
        return 0
    claim, created = CoverHandover.objects.get_or_create(cover=cover, defaults={"handed_at": now})
    if not created:
        return 0
    threads = list(
        Thread.objects.filter(
            _open_question(),
            teacher=cover.teacher,
            pupil__school_class_id=cover.school_class_id,
            parent__isnull=False,
        ).select_related("parent", "pupil")
    )
    teachers = teachers_by_class({cover.school_class_id}).get(cover.school_class_id, [])
    handed = 0
    for thread in threads:
        if may_message(thread.parent, cover.teacher, thread.pupil, at=now):
            continue  # she still teaches or covers the class: the thread stays hers
        successor = _successor(thread, teachers, cover.teacher, now)
        if successor is not None:
            _hand_over(thread, cover, successor, now)
            handed += 1
    CoverHandover.objects.filter(pk=claim.pk).update(threads=handed)
    return handed


def _successor(
    thread: Thread, teachers: list[User], cover_teacher: User, now: dt.datetime
) -> User | None:
    """The class teacher who answers now: the first (by name) the parent may write to. None
    when the class has none; the leaders' overdue list still shows the question (R21)."""
    for teacher in teachers:
        if teacher.pk != cover_teacher.pk and may_message(
            thread.parent, teacher, thread.pupil, at=now
        ):
            return teacher
    return None


def _hand_over(thread: Thread, cover: CoverAssignment, successor: User, now: dt.datetime) -> None:
    """Move the thread to ``successor``: into the parent's own thread with them about the child
    when there is one (the constraint allows one), or else by giving them this one. Reminders
    the cover teacher had are withdrawn and the open messages may remind the successor."""
    open_ids = list(
        thread.messages.filter(from_parent=True, reply_due_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    retract(kind=Kind.REPLY_OVERDUE, keys=[message_key(pk) for pk in open_ids])
    Message.objects.filter(pk__in=open_ids).update(reminded_at=None)
    target = Thread.objects.filter(
        parent=thread.parent, teacher=successor, pupil=thread.pupil
    ).first()
    if target is None:
        target = thread
        target.teacher = successor
    else:
        thread.messages.update(thread=target)
    # The cover teacher's bell no longer leads to a thread she cannot open; the parent's does.
    notifications_relink(
        old=thread_link(thread.pk), new=thread_link(target.pk), drop_for=cover.teacher.pk
    )
    target.covered_by, target.handed_over_at = cover.teacher, now
    target.save(update_fields=["teacher", "covered_by", "handed_over_at"])
    _tell(target, cover, successor, now)


def _tell(thread: Thread, cover: CoverAssignment, successor: User, now: dt.datetime) -> None:
    """The parent hears who will answer; the class teacher, whose question it is now."""
    assert thread.parent is not None
    pupil = display_names([thread.pupil]).get(thread.pupil_id, "")
    shared = {"pupil": pupil, "cover": cover.teacher.display_name}
    key = f"handover:{cover.pk}:{thread.pk}"
    link = thread_link(thread.pk)
    notify(
        [
            Event(
                kind=Kind.HANDOVER,
                key=key,
                recipient_id=thread.parent.pk,
                link=link,
                context={**shared, "teacher": successor.display_name, "to_parent": True},
            ),
            Event(
                kind=Kind.HANDOVER,
                key=key,
                recipient_id=successor.pk,
                link=link,
                context={**shared, "sender": thread.parent.display_name, "to_parent": False},
            ),
        ],
        now=now,
    )
