"""docker-compose.yml's worker stops gracefully (issue 13, item 6): on SIGTERM Celery's warm
shutdown finishes the tasks running, given longer than the longest batch before Docker sends
SIGKILL (its default is 10 s). No Docker engine runs here, so the file is read as text."""

from __future__ import annotations

import re
from pathlib import Path

from notifications.tasks import push_notifications

COMPOSE = Path(__file__).resolve().parents[1] / "docker-compose.yml"


def service(name: str) -> str:
    """The lines of one service of the compose file (up to the next one)."""
    text = COMPOSE.read_text()
    match = re.search(rf"^  {name}:\n((?:    .*\n|\n)+?)(?=^  \S|^\S)", text, re.MULTILINE)
    assert match, f"no service {name} in docker-compose.yml"
    return match.group(1)


def seconds(duration: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600}
    return sum(int(n) * units[u] for n, u in re.findall(r"(\d+)([smh])", duration))


def test_the_worker_gets_a_warm_shutdown_longer_than_its_longest_batch() -> None:
    worker = service("worker")
    assert re.search(r"^    stop_signal: SIGTERM$", worker, re.MULTILINE)
    grace = re.search(r"^    stop_grace_period: (\S+)$", worker, re.MULTILINE)
    assert grace, "Docker would give the worker 10 s before SIGKILL"
    assert seconds(grace.group(1)) > (push_notifications.soft_time_limit or 0) > 0  # 120 s
