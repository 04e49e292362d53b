"""Messaging's series for ``/metrics`` (``core.metrics``, ``METRICS_COLLECTORS``): the sweep's
lag, how long the oldest delivered message has waited for its notification (beat's sweep runs
every minute, so more than a minute or two means the worker or beat is not keeping up), and
how many wait. No label names a person."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from .models import Message
from .notices import NOTICE_WITHIN


def sweep_lag() -> Iterator[Metric]:
    now = timezone.now()
    waiting = Message.objects.filter(
        notified_at__isnull=True,
        deliver_at__lte=now,
        deliver_at__gt=now - NOTICE_WITHIN,
        withdrawn_at__isnull=True,
    ).aggregate(count=Count("pk"), oldest=Min("deliver_at"))
    lag = GaugeMetricFamily(
        "dojo_messages_sweep_lag_seconds",
        "How long the oldest delivered message has waited for its notification (0: none).",
    )
    oldest = waiting["oldest"]
    lag.add_metric([], max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
    count = GaugeMetricFamily(
        "dojo_messages_awaiting_notification", "Delivered messages not yet notified."
    )
    count.add_metric([], waiting["count"])
    yield lag
    yield count
