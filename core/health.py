"""What ``/healthz`` reports: each part of the portal, whether it works, and the verdict.

Each check answers a ``Check``: ``ok``, ``off`` (not configured, which is a choice, not a fault)
or ``down``, with a short detail. The checks are named by ``HEALTH_CHECKS`` (dotted paths, so
that an app above ``core``, such as ``translation``, adds its own without ``core`` importing it).

The verdict (``HealthReport.status``):

- ``down`` when a part the web process cannot answer without fails (``CRITICAL``: the
  database): ``/healthz`` answers 503, and a container probe or load balancer takes this
  process out;
- ``degraded`` when a part the portal is built to do without for a while fails (the cache and
  broker, Redis; the worker; beat; the translation engine): pages still answer and nothing is
  lost, so ``/healthz`` answers 200 unless asked with ``?strict=1``, which monitoring uses to
  alert on any part that is down;
- ``ok`` otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from celery import current_app
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone
from django.utils.module_loading import import_string

from .cache import cache_state
from .heartbeat import last_beat, last_heartbeat
from .queue import broker_state

State = Literal["ok", "off", "down"]
Verdict = Literal["ok", "degraded", "down"]

# Parts without which the web process cannot answer a page.
CRITICAL = frozenset({"database"})
# The heartbeat is sent every minute (CELERY_BEAT_SCHEDULE): three missed is a stopped worker.
STALE_SECONDS = 180


@dataclass(frozen=True)
class Check:
    name: str
    state: State
    detail: str
    age_seconds: int | None = None

    def as_json(self) -> dict[str, object]:
        answer: dict[str, object] = {"status": self.state, "detail": self.detail}
        if self.age_seconds is not None:
            answer["age_seconds"] = self.age_seconds
        return answer


@dataclass(frozen=True)
class HealthReport:
    checks: list[Check] = field(default_factory=list)

    @property
    def status(self) -> Verdict:
        failing = {check.name for check in self.checks if check.state == "down"}
        if failing & CRITICAL:
            return "down"
        return "degraded" if failing else "ok"

    def as_json(self) -> dict[str, object]:
        return {
            "status": self.status,
            "checks": {check.name: check.as_json() for check in self.checks},
        }


def health_report() -> HealthReport:
    """Run every check of ``HEALTH_CHECKS``; a check that raises is reported down, with the
    error's type, never raised."""
    checks = []
    for path in settings.HEALTH_CHECKS:
        name = path.rsplit(".", 1)[-1].removesuffix("_check")
        try:
            checks.append(import_string(path)())
        except Exception as error:
            checks.append(Check(name, "down", f"the check failed ({type(error).__name__})"))
    return HealthReport(checks)


def database_check(alias: str = DEFAULT_DB_ALIAS) -> Check:
    """The database answers a query."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        connections[alias].close()  # the next request tries a fresh connection
        return Check("database", "down", f"does not answer ({type(error).__name__})")
    return Check("database", "ok", connections[alias].vendor)


def cache_check() -> Check:
    """The shared cache (Redis, or the file cache of one machine)."""
    state = cache_state()
    return Check("cache", "down" if state.startswith("down") else "ok", state)


def broker_check() -> Check:
    """Celery's broker (Redis, or the filesystem transport of one machine)."""
    state = broker_state()
    return Check("broker", "down" if state.startswith("down") else "ok", state)


def worker_check() -> Check:
    """A worker ran the heartbeat task within ``STALE_SECONDS``."""
    if current_app.conf.task_always_eager:
        return Check("worker", "off", "tasks run in the web process")
    return _recent("worker", last_heartbeat(), "last heartbeat")


def beat_check() -> Check:
    """Beat sent a periodic task within ``STALE_SECONDS``."""
    return _recent("beat", last_beat(), "last sent a task")


def _recent(name: str, when: datetime | None, what: str) -> Check:
    if when is None:
        return Check(name, "down", "not seen yet")
    age = max(0, round((timezone.now() - when).total_seconds()))
    state: State = "ok" if age <= STALE_SECONDS else "down"
    return Check(name, state, f"{what} {age} s ago", age_seconds=age)
