"""The systemd units of "Without Docker" (README.md) run what docker-compose.yml runs: between
them, the workers consume every queue a task is routed to (R36: recordings on their own queue,
one transcode at a time), and the ordinary worker does not take recordings."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from django.conf import settings

UNITS = Path(__file__).resolve().parents[1] / "deploy" / "systemd"


def worker_options(unit: str) -> dict[str, str]:
    """The options of a unit's ``celery … worker`` command line."""
    text = (UNITS / unit).read_text()
    match = re.search(r"^ExecStart=(.*)$", text, re.MULTILINE)
    assert match, f"{unit} has no ExecStart"
    words = shlex.split(match.group(1))
    assert words[1:4] == ["-A", "dojo_portal", "worker"], words
    return dict(zip(words[4::2], words[5::2], strict=True))


def test_R36_the_workers_units_consume_every_routed_queue_recordings_one_at_a_time() -> None:
    ordinary = worker_options("dojo-worker.service")
    media = worker_options("dojo-media-worker.service")
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    consumed = {*ordinary["--queues"].split(","), *media["--queues"].split(",")}
    assert consumed == routed | {settings.CELERY_TASK_DEFAULT_QUEUE}
    assert ordinary["--queues"] == settings.CELERY_TASK_DEFAULT_QUEUE  # never a video
    assert (media["--queues"], media["--concurrency"]) == ("media", "1")
    assert media["--hostname"].startswith("media@")  # its own node, as in compose
