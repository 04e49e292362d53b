"""What a notification's entry shows below its title: the start of the post or message, and the
child it is about. The notification stores neither (its context holds names and times only):
the app that owns the post or message reads them when the list is shown, through what the
viewer may see now, so a post hidden since (R13) or a message they cannot read shows nothing.

Apps register a reader per kind at start-up (``register(Kind.NEW_POST, reader)``); this app
imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .models import Kind, Notification

EXCERPT_CHARS = 120


@dataclass(frozen=True)
class Excerpt:
    text: str
    child: str = ""


# A reader: (viewer, the notifications' keys) -> {key: Excerpt}, in a fixed number of queries.
Reader = Callable[[Any, Sequence[str]], dict[str, Excerpt]]
_READERS: dict[Kind, Reader] = {}


def register(kind: Kind, reader: Reader) -> None:
    _READERS[kind] = reader


def shorten(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The text on one line, cut at a word before ``limit`` characters with "…"."""
    words = " ".join(text.split())
    if len(words) <= limit:
        return words
    cut = words[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def excerpts_for(viewer: Any, notifications: Iterable[Notification]) -> dict[int, Excerpt]:
    """Each notification's excerpt by its id, for those whose kind has a reader and whose post
    or message the viewer may see. One call (a fixed number of queries) per kind present."""
    by_kind: dict[str, list[Notification]] = {}
    for notification in notifications:
        if notification.kind in _READERS:
            by_kind.setdefault(notification.kind, []).append(notification)
    found: dict[int, Excerpt] = {}
    for kind, rows in by_kind.items():
        read = _READERS[Kind(kind)](viewer, [row.key for row in rows])
        for row in rows:
            if row.key in read:
                found[row.pk] = read[row.key]
    return found
