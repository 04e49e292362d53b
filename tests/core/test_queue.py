"""A web request never waits long on a dead broker (issue 13): many tasks enqueued in one
request cost one broker timeout, not one each; they are left to their sweeps; the broker is
tried again after a while and used as soon as it answers."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator

import pytest
from django.db import transaction

from core import queue
from core.queue import BROKER_DOWN, broker_state, enqueue_on_commit
from tests.private_redis import broker_at, private_redis

__all__ = ["private_redis"]  # the fixture

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def silent_broker() -> Iterator[str]:
    """A broker that accepts connections and then says nothing (the worst case)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(100)
        queue.breaker_reset()
        try:
            yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
        finally:
            queue.breaker_reset()


def test_twenty_tasks_on_a_silent_broker_cost_one_timeout(silent_broker, caplog) -> None:
    with broker_at(silent_broker), caplog.at_level(logging.WARNING, logger="core.queue"):
        started = time.monotonic()
        with transaction.atomic():
            for _task in range(20):
                enqueue_on_commit("core.tasks.heartbeat")
        seconds = time.monotonic() - started
        assert broker_state() == BROKER_DOWN

    assert seconds < 2.5, seconds  # one socket timeout (2 s), then the circuit is open
    assert len(caplog.records) == 1
    assert "left to their sweeps" in caplog.records[0].getMessage()


@pytest.mark.services
def test_the_broker_is_tried_again_and_used_when_it_answers(
    silent_broker, private_redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    with broker_at(silent_broker):
        enqueue_on_commit("core.tasks.heartbeat")
    assert queue.breaker.resting()
    monkeypatch.setattr(queue, "BROKER_RETRY_SECONDS", 0.0)
    with broker_at(private_redis.url()):
        queue.breaker.retry_at = 0.0  # the circuit's wait is over
        enqueue_on_commit("core.tasks.heartbeat")
        assert broker_state() == "up"

    assert not queue.breaker.resting()
    assert private_redis.client().llen("celery") == 1  # published, for a worker to run
