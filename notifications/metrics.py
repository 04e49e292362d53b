"""The notification service's series for ``/metrics`` (``core.metrics``, ``METRICS_COLLECTORS``):
the emails due now and not yet sent, and how long the oldest of them has waited. No label
names a person."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from .emails import emails_due


def emails_waiting() -> Iterator[Metric]:
    now = timezone.now()
    due = emails_due(now).aggregate(count=Count("pk"), oldest=Min("email_next_at"))
    waiting = GaugeMetricFamily(
        "dojo_emails_waiting", "Notification emails due now and not yet sent."
    )
    waiting.add_metric([], due["count"])
    oldest = GaugeMetricFamily(
        "dojo_emails_oldest_wait_seconds",
        "How long the oldest email due has waited to be sent (0 when none waits).",
    )
    since = due["oldest"]
    oldest.add_metric([], max(0.0, (now - since).total_seconds()) if since else 0.0)
    yield waiting
    yield oldest
