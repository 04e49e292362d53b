"""Events (R35): the answers given for the person's children, and their calendar addresses.
An address's key is a secret, like a password: the file says when each was made and revoked,
never the key."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models import CalendarFeed, Reply

from .base import Area, Part, Subject


def _replies(subject: Subject) -> list[dict[str, Any]]:
    rows = (
        Reply.objects.filter(Q(pupil_id__in=subject.child_ids) | Q(answered_by=subject.user))
        .select_related("event")
        .order_by("answered_at", "pk")
    )
    return [
        {
            "event": reply.event.title,
            "date": reply.event.starts_on,
            "child": subject.child_name(reply.pupil_id),
            "answer": reply.get_answer_display(),
            "answered": reply.answered_at,
            "answered_by_you": reply.answered_by_id == subject.user.pk,
        }
        for reply in rows
    ]


def build(subject: Subject) -> Part:
    feeds = CalendarFeed.objects.filter(parent=subject.user).order_by("created_at", "pk")
    return Part(
        {
            "event_answers": _replies(subject),
            "calendar_addresses": [
                {"made": feed.created_at, "revoked": feed.revoked_at} for feed in feeds
            ],
        }
    )


AREA = Area(
    filename="events.json",
    description=_(
        "Events: the answers given for your children (going, not going, maybe) and when; "
        "when your private calendar addresses were made and revoked (not the addresses)."
    ),
    covers={"events.Reply": "event_answers", "events.CalendarFeed": "calendar_addresses"},
    build=build,
)
