"""Each parent's private calendar address (R35): made when first asked for, revoked (and a new
one made) when the parent asks, so an address that was shared stops working at once."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User

from ..models import CalendarFeed
from ..permissions import can_have_calendar_feed


def feed_for(*, acting_user: User) -> CalendarFeed:
    """The parent's live calendar feed, made now if they have none."""
    if not can_have_calendar_feed(acting_user):
        raise PermissionDenied
    feed = CalendarFeed.objects.filter(parent=acting_user, revoked_at__isnull=True).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(parent=acting_user)
    except IntegrityError:  # made by another request of theirs at the same moment
        return CalendarFeed.objects.get(parent=acting_user, revoked_at__isnull=True)


@transaction.atomic
def feed_revoke(*, acting_user: User) -> CalendarFeed:
    """The parent's address stops working; the new one is returned."""
    if not can_have_calendar_feed(acting_user):
        raise PermissionDenied
    CalendarFeed.objects.filter(parent=acting_user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return CalendarFeed.objects.create(parent=acting_user)
