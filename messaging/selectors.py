"""Reads for the inbox and a thread, each a fixed number of queries. What a teacher sees of a
parent's message depends only on its stored delivery time (R19): nothing has to run at 08:00
for Monday's messages to appear."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import User
from classes.names import display_names

from .models import Message, MessageTranslation, Thread
from .permissions import threads_visible_to


def inbox(viewer: User, *, now: dt.datetime | None = None) -> list[Thread]:
    """The viewer's threads with ``unread`` (delivered messages from the other side not yet
    seen), ``reply_due`` (the earliest answer owed, for teachers) and ``last_at``; teachers'
    sorted by what is due first (R21), parents' by the latest message. Two queries (threads,
    pupils' names)."""
    now = now or timezone.now()
    is_teacher = viewer.role != "parent"
    from_other = Q(messages__from_parent=is_teacher)
    threads: QuerySet[Thread] = (
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
    for thread in rows:
        thread.pupil_name = names.get(thread.pupil_id, "")  # type: ignore[attr-defined]
    return rows


@dataclass
class ThreadPage:
    thread: Thread
    pupil_name: str
    messages: list[Message]


def thread_page(viewer: User, thread: Thread, *, now: dt.datetime | None = None) -> ThreadPage:
    """The messages of a thread the viewer may see, oldest first, each with ``translated``: its
    text in the viewer's language when the worker has made it (R17), and its photos. Three
    queries."""
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
    return ThreadPage(thread=thread, pupil_name=name, messages=list(messages))


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
