"""Enqueueing Celery tasks without ever making a web request wait on, or fail with, the broker.

The database is the truth (STYLE.md §7): a task that is never enqueued only delays a
notification, which a periodic sweep re-drives. So publishing happens after the transaction
commits, with a short broker timeout, and a broker that is down is logged, not raised.

A broker that does not answer costs one wait (the broker's timeouts: about a second, two at
most for one that accepts connections and then says nothing), not one per task: the first
failure opens a per-process circuit, and for ``BROKER_RETRY_SECONDS`` every publish is left to
its sweep at once; then the next publish tries the broker again. A line is logged when the
broker goes, at most once a minute while it stays away (with the tasks left), and when it is
back.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from celery import Task, current_app
from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

BROKER_RETRY_SECONDS = 15.0
LOG_EVERY_SECONDS = 60.0


@dataclass
class BrokerBreaker:
    """One process's view of the broker: closed (publish) or open (leave tasks to the sweeps)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    opened_at: float | None = None  # time.monotonic(): the test clock never freezes it
    retry_at: float = 0.0
    logged_at: float = 0.0
    skipped: int = 0

    def due(self) -> bool:
        """Whether to try the broker now: the circuit is closed, or it is time to try again."""
        with self.lock:
            if self.opened_at is None or time.monotonic() >= self.retry_at:
                return True
            self.skipped += 1
            return False

    def trip(self) -> bool:
        """Open (or keep open) the circuit; True when it was closed until now."""
        with self.lock:
            now = time.monotonic()
            self.retry_at = now + BROKER_RETRY_SECONDS
            if self.opened_at is not None:
                return False
            self.opened_at, self.logged_at, self.skipped = now, now, 0
            return True

    def close(self) -> float | None:
        """Close the circuit; how long it was open (None when it was closed)."""
        with self.lock:
            opened, self.opened_at = self.opened_at, None
            return None if opened is None else time.monotonic() - opened

    def skipped_to_log(self) -> int | None:
        """Once a minute while open, the tasks left to the sweeps since the last line."""
        with self.lock:
            now = time.monotonic()
            if self.opened_at is None or now - self.logged_at < LOG_EVERY_SECONDS:
                return None
            skipped, self.skipped, self.logged_at = self.skipped, 0, now
            return skipped

    def resting(self) -> bool:
        """Open, and not yet time to try again."""
        with self.lock:
            return self.opened_at is not None and time.monotonic() < self.retry_at


breaker = BrokerBreaker()


def breaker_reset() -> None:
    """Close the circuit and forget its counts (for tests: no state leaks between them)."""
    global breaker
    breaker = BrokerBreaker()


def _publish(task: Task, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    if task.app.conf.task_always_eager:  # no broker: the task runs here and now
        try:
            task.apply_async(args=args, kwargs=kwargs, retry=False)
        except Exception:
            logger.warning("could not run %s; its sweep will retry it", task.name, exc_info=True)
        return
    if not breaker.due():
        skipped = breaker.skipped_to_log()
        if skipped is not None:
            logger.warning("broker still down: %d tasks left to their sweeps", skipped)
        return
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception as error:  # the broker is down or unreachable: the sweep will catch up
        if breaker.trip():
            logger.warning(
                "could not enqueue %s (%s); this and the next tasks are left to their sweeps "
                "until the broker answers",
                task.name,
                error,
            )
        return
    seconds = breaker.close()
    if seconds is not None:
        logger.warning("broker answers again after %.0f s", seconds)


def enqueue_on_commit(task: str, *args: Any, **kwargs: Any) -> None:
    """Send the task named by its dotted path (``"stories.tasks.process_attachment"``) once the
    current transaction commits (at once when there is none).

    A service names its task instead of importing it: tasks import services, never the other
    way round, so the two never import each other. The name is resolved when the task is sent.
    """
    transaction.on_commit(lambda: _publish(import_string(task), args, kwargs))


def broker_state() -> str:
    """What ``/healthz`` says of the broker: ``up`` or ``down``, asking it (briefly) only when
    this process's circuit is not open already."""
    app = current_app
    if app.conf.task_always_eager:
        return "none (tasks run in the web process)"
    if str(app.conf.broker_url).startswith("filesystem://"):
        return "up (files)"
    if breaker.resting():
        return BROKER_DOWN
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=0, timeout=1)
    except Exception:
        breaker.trip()
        return BROKER_DOWN
    return "up"


BROKER_DOWN = "down (tasks wait for their sweeps)"
