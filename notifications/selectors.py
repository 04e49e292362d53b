"""What people read of their notifications: the bell on every page (its count is one query,
and none while it is cached), the notification centre, and their settings."""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from accounts.models import User

from .excerpts import excerpts_for
from .kinds import RULES, settable_kinds, title
from .models import (
    Channel,
    DigestPreference,
    Kind,
    Notification,
    NotificationSetting,
    default_digest_time,
)

# The notification centre shows the latest ones.
SHOWN = 50
# The bell is kept this long at most; a notification recorded or read drops it at once, and a
# notification held for the next working period ends it when it becomes due.
BELL_SECONDS = 300


def _bell_key(user_id: int) -> str:
    return f"notifications:bell:{user_id}"


def _cached_bell(user_id: int) -> Bell | None:
    """The bell in the shared cache, if any. An entry that an earlier release stored, whose
    class has since moved (``dojo_portal.notifications.selectors.Bell`` before the apps moved
    to the top level), cannot be read back: it counts as no entry, and is replaced."""
    try:
        return cache.get(_bell_key(user_id))
    except (ImportError, AttributeError, pickle.UnpicklingError):
        return None


@dataclass(frozen=True)
class UrgentItem:
    """An unread urgent announcement, shown as a banner until read (R31)."""

    pk: int
    excerpt: str
    link: str


@dataclass(frozen=True)
class Bell:
    unread: int
    urgent: tuple[UrgentItem, ...] = ()
    # When a notification held for later (staff, R19) becomes due: the bell is out of date
    # from then on, on the school's clock, whatever the cache's own timer says.
    until: dt.datetime | None = None


def bell_for(user: User, *, now: dt.datetime | None = None) -> Bell:
    """The unread count and the unread urgent announcements: one query (two when there is an
    urgent announcement unread), none while cached."""
    now = now or timezone.now()
    cached = _cached_bell(user.pk)
    if cached is not None and (cached.until is None or now < cached.until):
        return cached
    due = Q(deliver_at__lte=now)
    figures = Notification.objects.filter(recipient=user, read_at__isnull=True).aggregate(
        unread=Count("pk", filter=due),
        urgent=Count("pk", filter=due & Q(kind=Kind.URGENT)),
        next_at=Min("deliver_at", filter=Q(deliver_at__gt=now)),
    )
    urgent = _urgent(user, now) if figures["urgent"] else ()
    bell = Bell(figures["unread"], urgent, figures["next_at"])
    seconds = BELL_SECONDS
    if figures["next_at"] is not None:
        seconds = min(seconds, int((figures["next_at"] - now).total_seconds()) + 1)
    cache.set(_bell_key(user.pk), bell, seconds)
    return bell


def _urgent(user: User, now: dt.datetime) -> tuple[UrgentItem, ...]:
    rows = Notification.objects.filter(
        recipient=user, kind=Kind.URGENT, read_at__isnull=True, deliver_at__lte=now
    ).order_by("-deliver_at", "-pk")[:3]
    return tuple(UrgentItem(row.pk, str(row.context.get("excerpt", "")), row.link) for row in rows)


def bell_forget(user_ids: Iterable[int]) -> None:
    """Their bells are out of date: read them again on the next page. Dropped at once, and
    inside a transaction again when it commits: until then a page read in another connection
    cannot see the change, and would keep the bell without it for up to ``BELL_SECONDS``."""
    keys = [_bell_key(user_id) for user_id in user_ids]
    cache.delete_many(keys)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: cache.delete_many(keys))


@dataclass(frozen=True)
class NotificationRow:
    notification: Notification
    title: str
    unread: bool
    # The start of the post or message, and the child it is about ("" when none).
    excerpt: str = ""
    child: str = ""


def notifications_for(viewer: User, *, now: dt.datetime | None = None) -> list[NotificationRow]:
    """The viewer's latest delivered notifications, newest first, each with its excerpt. One
    query, and a fixed few more for the excerpts of posts and messages."""
    now = now or timezone.now()
    rows = list(
        Notification.objects.filter(recipient=viewer, deliver_at__lte=now).order_by(
            "-deliver_at", "-pk"
        )[:SHOWN]
    )
    excerpts = excerpts_for(viewer, rows)
    return [
        NotificationRow(
            row,
            title(row),
            row.read_at is None,
            excerpts[row.pk].text if row.pk in excerpts else "",
            excerpts[row.pk].child if row.pk in excerpts else "",
        )
        for row in rows
    ]


def notification_get_for(viewer: User, pk: int) -> Notification:
    """One of the viewer's own notifications; anyone else's is missing (404)."""
    return Notification.objects.get(pk=pk, recipient=viewer)


def channels_for(user: User) -> dict[Kind, Channel]:
    """The user's channel for each kind they may set (their choice, or the default)."""
    chosen = dict(NotificationSetting.objects.filter(user=user).values_list("kind", "channel"))
    return {
        kind: Channel(chosen.get(kind, RULES[kind].default)) for kind in settable_kinds(user.role)
    }


def digest_time_for(user: User) -> dt.time:
    preference = DigestPreference.objects.filter(user=user).first()
    return preference.send_at if preference else default_digest_time()
