"""Points older than 12 months are deleted (R28)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from ..models import Award

RETENTION = timedelta(days=365)


@transaction.atomic
def points_delete_expired(*, now: datetime | None = None) -> int:
    """Delete awards given more than 12 months before ``now``; idempotent. Returns how many."""
    cutoff = (now or timezone.now()) - RETENTION
    deleted, _by_model = Award.objects.filter(awarded_at__lt=cutoff).delete()
    return deleted
