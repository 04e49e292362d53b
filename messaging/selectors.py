"""Reads for the inbox and a thread, each a fixed number of queries. What a teacher sees of a
parent's message depends only on its stored delivery time (R19): nothing has to run at 08:00
for Monday's messages to appear."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from accounts.models import User
from classes.names import display_names
from classes.selectors import school_get

from .models import Flag, Message, MessageTranslation, ParentWarning, ReadyReply, Thread, Topic
from .permissions import office_threads_for, threads_visible_to


@dataclass(frozen=True)
class InboxRow:
    """One conversation of an inbox as the list shows it: the thread (its people loaded), the
    pupil by display name, the messages not yet seen, the latest message's time and, for
    staff, the earliest answer owed."""

    thread: Thread
    pupil_name: str
    unread: int
    last_at: dt.datetime
    reply_due: dt.datetime | None = None

    @property
    def pk(self) -> int:
        return self.thread.pk

    @property
    def parent(self) -> User | None:
        return self.thread.parent


def inbox(viewer: User, *, now: dt.datetime | None = None) -> list[InboxRow]:
    """The viewer's threads with ``unread`` (delivered messages from the other side not yet
    seen), ``reply_due`` (the earliest answer owed, for teachers) and ``last_at``; teachers'
    sorted by what is due first (R21), parents' by the latest message. Two queries (threads,
    pupils' names)."""
    now = now or timezone.now()
    is_teacher = viewer.role != "parent"
    from_other = Q(messages__from_parent=is_teacher)
    threads = (
        threads_visible_to(viewer)
        .annotate(
            unread=Count(
                "messages",
                filter=from_other
                & Q(messages__deliver_at__lte=now, messages__seen_at__isnull=True)
                & Q(messages__withdrawn_at__isnull=True),
            ),
            reply_due=Min(
                "messages__reply_due_at",
                filter=Q(messages__deliver_at__lte=now, messages__withdrawn_at__isnull=True),
            ),
            # a teacher sees a parent's message from its delivery time (R19)
            last_at=Max(
                "messages__sent_at",
                filter=Q(messages__from_parent=False) | Q(messages__deliver_at__lte=now),
            )
            if is_teacher
            else Max("messages__sent_at"),
        )
        .filter(last_at__isnull=False)
        .select_related("parent", "teacher", "pupil")
    )
    ordered = (
        threads.order_by(F("reply_due").asc(nulls_last=True), "-last_at")
        if is_teacher
        else threads.order_by("-last_at")
    )
    rows = list(ordered)
    names = display_names([t.pupil for t in rows])
    return [
        InboxRow(
            thread=t,
            pupil_name=names.get(t.pupil_id, ""),
            unread=t.unread,
            last_at=t.last_at,
            reply_due=t.reply_due,
        )
        for t in rows
    ]


@dataclass
class ThreadPage:
    """A thread's page: its messages, the pupil by display name, and each message's text in
    the viewer's language where the worker has made it, by message id (R17)."""

    thread: Thread
    pupil_name: str
    messages: Sequence[Message]
    translations: dict[int, str]


def thread_page(viewer: User, thread: Thread, *, now: dt.datetime | None = None) -> ThreadPage:
    """The messages of a thread the viewer may see, oldest first, with their photos, and their
    texts in the viewer's language that the worker has made (R17). Three queries."""
    now = now or timezone.now()
    translated = MessageTranslation.objects.filter(
        message=OuterRef("pk"), language=viewer.preferred_language
    ).values("body")[:1]
    messages = (
        thread.messages.select_related("author")
        .prefetch_related("photos")
        .annotate(translated=Subquery(translated))
        .order_by("sent_at", "pk")
    )
    if viewer.pk == thread.teacher_id:
        messages = messages.filter(Q(from_parent=False) | Q(deliver_at__lte=now))
    name = display_names([thread.pupil]).get(thread.pupil_id, "")
    rows = list(messages)
    return ThreadPage(
        thread=thread,
        pupil_name=name,
        messages=rows,
        translations={m.pk: m.translated for m in rows if m.translated},
    )


def unread_count(viewer: User, *, now: dt.datetime | None = None) -> int:
    """Delivered messages to ``viewer`` not yet seen (one query)."""
    now = now or timezone.now()
    threads = threads_visible_to(viewer)
    return Message.objects.filter(
        thread__in=threads,
        from_parent=viewer.role != "parent",
        deliver_at__lte=now,
        seen_at__isnull=True,
        withdrawn_at__isnull=True,
    ).count()


# The office inbox (R22)


def office_inbox(*, viewer: User, closed: bool = False) -> list[InboxRow]:
    """Open (or closed) office threads with ``unread`` (the parent's messages nobody in the
    office has seen), ``last_at`` and ``pupil_name``: urgent first, then whoever has waited
    longest. Two queries whatever the number of threads."""
    unseen = Q(
        messages__from_parent=True,
        messages__seen_at__isnull=True,
        messages__withdrawn_at__isnull=True,
    )
    threads = (
        office_threads_for(viewer)
        .filter(closed_at__isnull=not closed)
        .annotate(
            unread=Count("messages", filter=unseen),
            waiting_since=Min("messages__sent_at", filter=unseen),
            last_at=Max("messages__sent_at"),
            urgent=Case(
                When(topic=Topic.URGENT, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .filter(last_at__isnull=False)
        .select_related("parent", "pupil__school_class", "assigned_to")
        .order_by("urgent", F("waiting_since").asc(nulls_last=True), "-last_at")
    )
    rows = list(threads)
    names = display_names([t.pupil for t in rows])
    return [
        InboxRow(
            thread=t, pupil_name=names.get(t.pupil_id, ""), unread=t.unread, last_at=t.last_at
        )
        for t in rows
    ]


# Ready replies (R24)

READY_REPLIES_CACHE_KEY = "messaging:ready-replies"
READY_REPLIES_CACHE_SECONDS = 600


def ready_reply_text(reply: ReadyReply) -> str:
    """The reply as it is sent: ``{phone}`` becomes the office phone (a plain replacement, so
    other braces in the office's text stay as written)."""
    return reply.body.replace("{phone}", school_get().office_phone)


def ready_replies_in_use() -> list[ReadyReply]:
    """The ready replies in use, in order. Every teacher's thread page shows them and the
    office seldom changes them, so they are kept in the shared cache (no query on the page);
    the admin drops the cached copy when it saves or deletes one (``ready_replies_changed``),
    and the timeout bounds how stale a change made around the admin could be."""
    replies = cache.get(READY_REPLIES_CACHE_KEY)
    if replies is None:
        replies = list(ReadyReply.objects.filter(active=True))
        cache.set(READY_REPLIES_CACHE_KEY, replies, READY_REPLIES_CACHE_SECONDS)
    return replies


def ready_replies_changed() -> None:
    cache.delete(READY_REPLIES_CACHE_KEY)


class OfferedReply(NamedTuple):
    """A ready reply as a teacher is offered it: ``text`` is what would be sent."""

    pk: int
    title: str
    text: str


def ready_replies_for(viewer: User, thread: Thread) -> list[OfferedReply]:
    """The ready replies offered to the staff side of a teacher thread, each with ``text``
    as it would be sent; none to anyone else. Those that need the office phone are left out
    while the school has none."""
    if thread.teacher_id is None or viewer.pk != thread.teacher_id:
        return []
    has_phone = bool(school_get().office_phone)
    return [
        OfferedReply(reply.pk, reply.title, ready_reply_text(reply))
        for reply in ready_replies_in_use()
        if has_phone or "{phone}" not in reply.body
    ]


# The moderation queue (R23)


@dataclass(frozen=True)
class FlagReview:
    """An open flag as a leader reviews it: the thread's messages around the flagged one,
    whether the parent has had their formal warning, and the pupil by display name."""

    flag: Flag
    context: list[Message]
    warned: bool
    pupil_name: str


def moderation_queue() -> list[FlagReview]:
    """Open flags, oldest first, each with its thread's messages and the parent's warning
    (four queries whatever the number of flags)."""
    flags = list(
        Flag.objects.filter(decided_at__isnull=True)
        .select_related(
            "message__thread__parent", "message__thread__teacher", "message__thread__pupil"
        )
        .order_by("created_at")
    )
    threads = {f.message.thread_id for f in flags}
    context_messages = Message.objects.filter(thread_id__in=threads).select_related("author")
    by_thread: dict[int, list[Message]] = {}
    for message in context_messages.order_by("sent_at"):
        by_thread.setdefault(message.thread_id, []).append(message)
    warned = set(
        ParentWarning.objects.filter(
            parent_id__in={f.message.thread.parent_id for f in flags}
        ).values_list("parent_id", flat=True)
    )
    names = display_names([f.message.thread.pupil for f in flags])
    return [
        FlagReview(
            flag=item,
            context=by_thread.get(item.message.thread_id, []),
            warned=item.message.thread.parent_id in warned,
            pupil_name=names.get(item.message.thread.pupil_id, ""),
        )
        for item in flags
    ]
