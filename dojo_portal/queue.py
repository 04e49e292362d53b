"""Enqueueing Celery tasks without ever making a web request wait on, or fail with, the broker.

The database is the truth (STYLE.md §7): a task that is never enqueued only delays a
notification, which a periodic sweep re-drives. So publishing happens after the transaction
commits, with a short broker timeout, and a broker that is down is logged, not raised.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def _publish(task: Task, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception:  # the broker is down or unreachable: the sweep will catch up
        logger.warning(
            "could not enqueue %s; it will be retried by its sweep", task.name, exc_info=True
        )


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Send ``task`` once the current transaction commits (at once when there is none)."""
    transaction.on_commit(lambda: _publish(task, args, kwargs))
