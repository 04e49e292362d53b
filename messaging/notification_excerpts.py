"""The excerpt of a "new message" notification: the start of the message, read through the
viewer's own threads, and only once it is delivered to them (R19)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from notifications.excerpts import Excerpt, shorten

from .models import Message
from .permissions import threads_visible_to

PREFIX = "message:"


def message_excerpts(viewer: Any, keys: Sequence[str]) -> dict[str, Excerpt]:
    """Each key's message excerpt, for messages in the viewer's threads. One query. The child's
    name is in the notification's own title already ("… about Maya")."""
    ids = {
        int(key[len(PREFIX) :]): key
        for key in keys
        if key.startswith(PREFIX) and key[len(PREFIX) :].isdigit()
    }
    messages = Message.objects.filter(
        pk__in=ids, thread__in=threads_visible_to(viewer), deliver_at__lte=timezone.now()
    ).only("pk", "body")
    return {ids[message.pk]: Excerpt(shorten(message.body)) for message in messages}
