"""What ``/metrics`` tells Prometheus (issue 20): requests, queues, beat, failures, backups.

``prometheus_client`` (the Prometheus project's own library) rather than ``django-prometheus``:
the portal needs a handful of its own series, labelled so that no personal data can reach them,
and django-prometheus would add dozens of per-model and per-database series and a second
middleware pair; both rest on prometheus_client's multiprocess mode under gunicorn anyway.

- **Requests**, counted and timed by the web processes (``core.request_metrics``): labelled by the
  URL pattern's *name* (``stories_post``), never the path (which holds ids), with the method
  and the status class (``2xx``). Under gunicorn, each worker process writes its counts to
  files in ``PROMETHEUS_MULTIPROC_DIR`` (an empty folder made at each start: a ``tmpfs`` in
  compose, systemd's ``RuntimeDirectory``) and a scrape adds them up; without it (one process,
  ``manage.py serve``) they are kept in the process.
- **Read at each scrape** from the shared state, so whichever process answers says the same:
  each Celery queue's length (``celery``, ``media``), whether the broker answers, the worker's
  last heartbeat and beat's last run (``core.heartbeat``), the last backup written by
  ``manage.py backup``, and the failed tasks by task name (``core.models.TaskFailure``,
  counted by a Celery signal in the workers).
- **The apps' own** gauges, named by ``METRICS_COLLECTORS`` (dotted paths, as
  ``HEALTH_CHECKS``: ``core`` imports no app): emails waiting, the sweep's lag.

Nothing here is labelled with a person, a name, an address or an id.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from celery import current_app
from django.conf import settings
from django.db.models import F
from django.db.utils import DatabaseError, IntegrityError
from django.utils import timezone
from django.utils.module_loading import import_string
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector

from .heartbeat import last_backup, last_beat, last_heartbeat
from .models import TaskFailure
from .queue import breaker

logger = logging.getLogger(__name__)

CONTENT_TYPE = CONTENT_TYPE_LATEST
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
REQUESTS = Counter(
    "dojo_http_requests",
    "Requests answered, by URL pattern name, method and status class.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "dojo_http_request_duration_seconds",
    "Time to answer a request, by URL pattern name.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def request_observe(*, view: str, method: str, status: int, seconds: float) -> None:
    """Count one answered request (``view`` is a URL pattern's name, never a path)."""
    method = method if method in METHODS else "other"
    REQUESTS.labels(view=view, method=method, status=f"{status // 100}xx").inc()
    LATENCY.labels(view=view).observe(seconds)


def task_failure_record(task_name: str, *, at: datetime | None = None) -> None:
    """Count one failure of the task named ``task_name`` (a worker's Celery signal calls it).
    Never raises: a database that cannot count it only loses the count."""
    at = at or timezone.now()
    failures = TaskFailure.objects.filter(task=task_name[:200])
    try:
        if failures.update(count=F("count") + 1, last_failed_at=at):
            return
        try:
            TaskFailure.objects.create(task=task_name[:200], count=1, last_failed_at=at)
        except IntegrityError:  # another worker counted its first failure meanwhile
            failures.update(count=F("count") + 1, last_failed_at=at)
    except DatabaseError:
        logger.exception("could not count a failure of %s", task_name)


def exposition() -> bytes:
    """Every series, in Prometheus's text format."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # every gunicorn process's requests
        registry.register(PortalCollector())
        return generate_latest(registry)
    return generate_latest(REGISTRY) + generate_latest(_portal_registry(registry))


def _portal_registry(registry: CollectorRegistry) -> CollectorRegistry:
    registry.register(PortalCollector())
    return registry


class PortalCollector(Collector):
    """The series read at each scrape (the module's second list)."""

    def collect(self) -> Iterator[Metric]:
        """Each part in turn; one that fails (its database or cache down) is left out and
        logged, and the scrape still answers with the rest (``dojo_broker_up`` and
        ``/healthz`` say what is down)."""
        parts: list[Callable[[], Iterable[Metric]]] = [_queues, _times, _failures]
        parts += [import_string(path) for path in settings.METRICS_COLLECTORS]
        for part in parts:
            try:
                yield from list(part())
            except Exception:
                logger.exception("a part of /metrics failed: %s", part.__qualname__)


def _times() -> Iterator[Metric]:
    yield _timestamp("dojo_worker_last_heartbeat", "A worker last ran", last_heartbeat())
    yield _timestamp("dojo_beat_last_run", "Beat last sent a periodic task", last_beat())
    yield _timestamp("dojo_backup_last", "manage.py backup last wrote one", last_backup())


def _timestamp(name: str, what: str, when: datetime | None) -> GaugeMetricFamily:
    """A Unix time in seconds; no sample at all when it is not known (never recorded)."""
    family = GaugeMetricFamily(f"{name}_timestamp_seconds", f"{what} (Unix time).")
    if when is not None:
        family.add_metric([], when.timestamp())
    return family


def _queues() -> Iterator[Metric]:
    up = GaugeMetricFamily("dojo_broker_up", "Whether Celery's broker answers (1) or not (0).")
    length = GaugeMetricFamily(
        "dojo_celery_queue_length", "Tasks waiting in each Celery queue.", labels=["queue"]
    )
    depths = queue_lengths()
    up.add_metric([], 0 if depths is None else 1)
    for queue, count in (depths or {}).items():
        length.add_metric([queue], count)
    yield up
    yield length


def queue_lengths() -> dict[str, int] | None:
    """The tasks waiting in each queue a task is routed to (the default queue too); ``None``
    when the broker does not answer (asked briefly, and not at all while this process's circuit
    says it is down). Empty when tasks run in the web process."""
    app = current_app
    if app.conf.task_always_eager:
        return {}
    if breaker.resting():
        return None
    routes = settings.CELERY_TASK_ROUTES.values()
    queues = sorted({settings.CELERY_TASK_DEFAULT_QUEUE, *(route["queue"] for route in routes)})
    try:
        with app.connection_for_read() as connection:
            connection.ensure_connection(max_retries=0, timeout=1)
            channel: Any = connection.default_channel  # kombu's channel: untyped
            # Declaring is what every worker does at start, and it answers the length.
            return {
                queue: channel.queue_declare(queue=queue, durable=True, auto_delete=False)[1]
                for queue in queues
            }
    except Exception:
        breaker.trip()
        return None


def _failures() -> Iterator[Metric]:
    family = CounterMetricFamily(
        "dojo_celery_task_failures", "Celery tasks that failed, by task name.", labels=["task"]
    )
    for task, count in TaskFailure.objects.order_by("task").values_list("task", "count"):
        family.add_metric([task], count)
    yield family
