"""Messages (R18–R23): every thread the person is a side of — with a teacher, with the office
inbox, or (for a teacher) with a parent — with every message the school holds in it, withdrawn
ones included, and the photos sent with them that the person may open in the portal
(``messaging.permissions.photos_visible_to``, what the photo view serves): not those of a
withdrawn message, nor, for a teacher, of a parent's message still held for quiet time; the
README says when some were left out. Office staff also get the messages they wrote in the office
inbox. Flags raised on the person's own messages, and their outcome, come too."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from classes.names import display_names
from messaging.models import Flag, Message, MessagePhoto, Thread
from messaging.permissions import photos_visible_to

from .base import Area, MediaFile, Part, Subject

OFFICE = _("the school office")
PHOTOS_NOT_SHOWN = _(
    "Photos sent with messages that were withdrawn, or that wait for the next working day: "
    "the portal does not show them to you."
)


def _own_threads(subject: Subject) -> QuerySet[Thread]:
    return Thread.objects.filter(Q(parent=subject.user) | Q(teacher=subject.user))


def _threads(subject: Subject) -> QuerySet[Thread]:
    messages = Message.objects.select_related("author").order_by("sent_at", "pk")
    photos = photos_visible_to(subject.user).order_by("position", "pk")
    return (
        _own_threads(subject)
        .select_related("parent", "teacher", "pupil")
        .prefetch_related(Prefetch("messages", messages), Prefetch("messages__photos", photos))
        .order_by("created_at", "pk")
    )


def _photos_left_out(subject: Subject, included: int) -> list[str]:
    held = MessagePhoto.objects.filter(message__thread__in=_own_threads(subject)).count()
    return [str(PHOTOS_NOT_SHOWN)] if held > included else []


def _message(subject: Subject, message: Message, files: list[MediaFile]) -> dict[str, Any]:
    photos = []
    for photo in message.photos.all():
        arcname = f"media/messages/{message.pk}-{photo.position + 1}.webp"
        files.append(MediaFile(photo.file, arcname))
        photos.append(arcname)
    author = message.author
    return {
        "from": str(_("you"))
        if author == subject.user
        else (author.display_name if author else ""),
        "sent": message.sent_at,
        "delivered": message.deliver_at,
        "seen": message.seen_at,
        "withdrawn": message.withdrawn_at,
        "text": message.body,
        "photos": photos,
    }


def _thread_rows(subject: Subject) -> Part:
    threads = list(_threads(subject))
    children = display_names({t.pupil for t in threads})
    files: list[MediaFile] = []
    rows = []
    for thread in threads:
        if thread.parent_id == subject.user.pk:
            other = thread.teacher.display_name if thread.teacher else str(OFFICE)
        else:
            other = thread.parent_name
        rows.append(
            {
                "id": thread.pk,
                "with": other,
                "about": children[thread.pupil_id],
                "topic": str(thread.get_topic_display()) if thread.topic else None,
                "started": thread.created_at,
                "closed": thread.closed_at,
                "messages": [_message(subject, m, files) for m in thread.messages.all()],
            }
        )
    return Part({"threads": rows}, files, _photos_left_out(subject, len(files)))


def _office_messages(subject: Subject) -> list[dict[str, Any]]:
    """Messages the person wrote in other families' office threads (office staff)."""
    rows = (
        Message.objects.filter(author=subject.user)
        .exclude(thread__parent=subject.user)
        .exclude(thread__teacher=subject.user)
        .order_by("sent_at", "pk")
    )
    return [{"thread": m.thread_id, "sent": m.sent_at, "text": m.body} for m in rows]


def _flags(subject: Subject) -> list[dict[str, Any]]:
    flags = Flag.objects.filter(message__author=subject.user).select_related("message")
    return [
        {
            "message_sent": f.message.sent_at,
            "flagged": f.created_at,
            "reason": f.reason,
            "outcome": str(f.get_outcome_display()) if f.outcome else None,
            "decided": f.decided_at,
        }
        for f in flags.order_by("created_at", "pk")
    ]


def build(subject: Subject) -> Part:
    part = _thread_rows(subject)
    part.data["messages_you_wrote_for_the_office"] = _office_messages(subject)
    part.data["flags_on_your_messages"] = _flags(subject)
    return part


AREA = Area(
    filename="messages.json",
    description=_(
        "Your message threads with every message in them (withdrawn ones too) and their "
        "photos in the media folder; flags raised on your messages; for office staff, the "
        "messages you wrote in the office inbox."
    ),
    covers={
        "messaging.Thread": "threads",
        "messaging.Message": "threads",
        "messaging.Flag": "flags_on_your_messages",
    },
    build=build,
)
