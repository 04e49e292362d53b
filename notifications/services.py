"""The notification service (R31): every app tells it of events; it decides who is told, how
and when, and records each notification once.

``notify`` only records. Emails, digests and pushes are sent by the sweep that beat runs every
minute (``sweep.py``), never by a web request, so a broker that is down only delays them. Each
notification is recorded with the channel its reader chose for its kind (or the kind's
default), and with the time it may be delivered: now, or for staff in quiet time the start of
the next working period (R19, R31). An urgent announcement goes by every channel whatever the
reader chose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from classes.worktime import calendar_for
from core.bidi import strip_bidi_controls

from .kinds import RULES, settable_kinds
from .models import (
    Channel,
    Delivery,
    DigestPreference,
    Kind,
    Notification,
    NotificationSetting,
    PushSubscription,
)
from .selectors import bell_forget, channels_for
from .tokens import DIGEST

# Recorded in chunks, so one query's parameters stay within every database's limits.
CHUNK = 2000


@dataclass(frozen=True)
class Event:
    """Something one person is to be told of. ``key`` names the event ("message:42"), unique
    per recipient and kind; ``context`` holds display names only (R6), never content."""

    kind: Kind
    key: str
    recipient_id: int
    link: str
    context: Mapping[str, object] = field(default_factory=dict)


def notify(events: Iterable[Event], *, now: dt.datetime | None = None) -> int:
    """Record each event for its recipient once (an event already recorded is ignored), by the
    channel the recipient chose. Returns how many were offered."""
    now = now or timezone.now()
    events = list(events)
    for start in range(0, len(events), CHUNK):
        _record(events[start : start + CHUNK], now)
    return len(events)


def _record(events: Sequence[Event], now: dt.datetime) -> None:
    recipients = {event.recipient_id for event in events}
    roles = dict(User.objects.filter(pk__in=recipients, is_active=True).values_list("pk", "role"))
    chosen = {
        (user_id, kind): channel
        for user_id, kind, channel in NotificationSetting.objects.filter(
            user_id__in=recipients
        ).values_list("user_id", "kind", "channel")
    }
    with_push = set(
        PushSubscription.objects.filter(user_id__in=recipients).values_list("user_id", flat=True)
    )
    # Staff are told in working time only: what happens now reaches them then (R19, R31).
    held = calendar_for().next_working_start(now)
    rows = [
        _row(event, roles[event.recipient_id], chosen, with_push, now, held)
        for event in events
        if event.recipient_id in roles
    ]
    Notification.objects.bulk_create(
        [row for row in rows if row is not None], ignore_conflicts=True, batch_size=1000
    )
    bell_forget(recipients)


def _row(
    event: Event,
    role: str,
    chosen: Mapping[tuple[int, str], str],
    with_push: set[int],
    now: dt.datetime,
    held: dt.datetime,
) -> Notification | None:
    rule = RULES[event.kind]
    channel = Channel(chosen.get((event.recipient_id, event.kind), rule.default))
    if not rule.settable:
        channel = rule.default
    if channel == Channel.OFF:
        return None
    deliver_at = now if role == Role.PARENT else held
    emailed = channel in (Channel.EMAIL, Channel.DIGEST)
    pushed = event.recipient_id in with_push and channel != Channel.DIGEST
    return Notification(
        recipient_id=event.recipient_id,
        kind=event.kind,
        key=event.key,
        # A name's direction controls would turn the rest of the line around (R6 names are
        # people's own text): the line is made without them, in every channel.
        context={key: strip_bidi_controls(str(value)) for key, value in event.context.items()},
        link=event.link,
        channel=channel,
        created_at=now,
        deliver_at=deliver_at,
        email_state=Delivery.PENDING if emailed else Delivery.NONE,
        email_next_at=deliver_at if emailed else None,
        push_state=Delivery.PENDING if pushed else Delivery.NONE,
    )


def retract(*, kind: Kind, keys: Iterable[str]) -> int:
    """The events are void (a message withdrawn, a reminder answered): their notifications are
    deleted, whoever they were for, and anything not yet sent is never sent."""
    notifications = Notification.objects.filter(kind=kind, key__in=list(keys))
    recipients = set(notifications.values_list("recipient_id", flat=True))
    if not recipients:
        return 0
    deleted, _by_model = notifications.delete()
    bell_forget(recipients)
    return deleted


def notification_mark_read(*, acting_user: User, notification: Notification) -> Notification:
    """The recipient reads one notification (the first time is kept)."""
    Notification.objects.filter(
        pk=notification.pk, recipient=acting_user, read_at__isnull=True
    ).update(read_at=timezone.now())
    bell_forget([acting_user.pk])
    return notification


def notifications_mark_all_read(*, acting_user: User) -> int:
    """The acting user marks everything delivered to them read; returns how many were unread."""
    now = timezone.now()
    marked = Notification.objects.filter(
        recipient=acting_user, read_at__isnull=True, deliver_at__lte=now
    ).update(read_at=now)
    bell_forget([acting_user.pk])
    return marked


def notifications_read_about(*, user_id: int, link: str) -> int:
    """The thing itself was seen (a thread opened): what told the person of it is read too."""
    marked = Notification.objects.filter(
        recipient_id=user_id, link=link, read_at__isnull=True
    ).update(read_at=timezone.now())
    if marked:
        bell_forget([user_id])
    return marked


def notifications_relink(*, old: str, new: str, drop_for: int | None = None) -> int:
    """What was at ``old`` is at ``new`` now (a thread handed over into another): everyone's
    notifications follow it, except those of ``drop_for``, who can no longer open it and whose
    notifications of it are deleted. Returns how many were moved."""
    about = Notification.objects.filter(link=old)
    recipients = set(about.values_list("recipient_id", flat=True))
    if drop_for is not None:
        about.filter(recipient_id=drop_for).delete()
    moved = about.exclude(recipient_id=drop_for).update(link=new)
    bell_forget(recipients)
    return moved


@transaction.atomic
def notification_settings_save(
    *, acting_user: User, channels: Mapping[Kind, Channel], digest_at: dt.time
) -> None:
    """The acting user's channel for each kind they may set, and their digest time."""
    allowed = set(settable_kinds(acting_user.role))
    for kind, channel in channels.items():
        if kind not in allowed:
            continue
        NotificationSetting.objects.update_or_create(
            user=acting_user, kind=kind, defaults={"channel": channel}
        )
    DigestPreference.objects.update_or_create(user=acting_user, defaults={"send_at": digest_at})


def notifications_unsubscribe(*, user_id: int, kind: str) -> list[Kind]:
    """From an email's unsubscribe link: stop emails of one kind, or (``"digest"``) of every
    kind in the person's digest. They still see them in the portal. Returns the kinds changed;
    none for an account that no longer exists, a kind that cannot be turned off, or one that
    is not emailed now (an unsubscribe link never turns on a kind the person turned off)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return []
    current = channels_for(user)
    if kind == DIGEST:
        kinds = [each for each, channel in current.items() if channel == Channel.DIGEST]
    else:
        emailed = (Channel.EMAIL, Channel.DIGEST)
        kinds = [each for each, channel in current.items() if each == kind and channel in emailed]
    for each in kinds:
        NotificationSetting.objects.update_or_create(
            user=user, kind=each, defaults={"channel": Channel.PORTAL}
        )
    return kinds
