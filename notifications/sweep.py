"""What the sweep that beat runs every minute hands out to the workers: the emails, digests
and pushes due now. Everything is found from the database, so a worker or broker that was down
only delays a notification (R19); handing one out twice is harmless, because each send claims
its notification first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from core.claims import CLAIM_TTL

from .digest import digests_due, digests_reclaim
from .emails import deliverable, emails_due, emails_reclaim, reachable_now
from .models import Delivery, Notification

# Bounds one sweep's work; what is left is found by the next sweep.
MAX_PER_SWEEP = 50_000


@dataclass(frozen=True)
class Due:
    emails: list[int]
    digests: list[int]
    pushes: list[int]


def deliveries_due(*, now: dt.datetime | None = None) -> Due:
    """The notifications to email and to push now, oldest first, and the people whose digest
    is due. Claims lost with a worker are handed out again."""
    now = now or timezone.now()
    emails_reclaim(now)
    pushes_reclaim(now)
    digests_reclaim(now)
    emails = emails_due(now).order_by("email_next_at", "pk").values_list("pk", flat=True)
    pushes = pushes_due(now).order_by("deliver_at", "pk").values_list("pk", flat=True)
    return Due(list(emails[:MAX_PER_SWEEP]), digests_due(now), list(pushes[:MAX_PER_SWEEP]))


def pushes_due(now: dt.datetime) -> QuerySet[Notification]:
    """Notifications to push now, to an active account."""
    due = deliverable(now).filter(
        push_state=Delivery.PENDING, recipient__is_active=True, recipient__is_suspended=False
    )
    return reachable_now(due, now)


def pushes_reclaim(now: dt.datetime) -> int:
    """Pushes claimed by a worker that was lost go back to be sent (a claim stamps
    ``pushed_at`` and its worker renews it; not renewed for ``CLAIM_TTL``, it was lost)."""
    return Notification.objects.filter(
        push_state=Delivery.SENDING, pushed_at__lt=now - CLAIM_TTL
    ).update(push_state=Delivery.PENDING)
