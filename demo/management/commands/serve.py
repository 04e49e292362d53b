"""``manage.py serve``: the web server with the Celery workers and beat, in one command.

What ``make run`` starts last. Two workers run as child processes, as in production: one with
beat on the ordinary queue (messages, notifications, photos), and one on the recordings' queue
that transcodes one video at a time (R36), so that a long transcode never holds up a message's
notification. Both are stopped when the server stops, however it stops (Ctrl-C, SIGTERM or an
error).
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from demo.signins import format_sign_ins

NO_DEMO = "No demo sign-ins in this database (make some with: manage.py seed_demo)."
WORKER_STOP_SECONDS = 10


def worker_command(var_dir: Path | None = None) -> list[str]:
    """The command line of the Celery worker with beat, its schedule kept in ``var_dir``."""
    schedule = (var_dir or settings.VAR_DIR) / "celerybeat-schedule"
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "dojo_portal",
        "worker",
        "-B",
        "-s",
        str(schedule),
        "--loglevel",
        "INFO",
        "--concurrency",
        "2",
        # The default queue only: recordings (``CELERY_TASK_ROUTES``) have their own worker.
        "--queues",
        "celery",
    ]


def media_worker_command() -> list[str]:
    """The command line of the recordings' worker: one transcode at a time (ffmpeg on one
    thread), on a node of its own."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "dojo_portal",
        "worker",
        "--loglevel",
        "INFO",
        "--concurrency",
        "1",
        "--queues",
        "media",
        "--hostname",
        "media@%h",
    ]


def worker_log(var_dir: Path) -> Path:
    return var_dir / "worker.log"


def start_workers(var_dir: Path) -> list[subprocess.Popen[bytes]]:
    """Start both workers; their output goes to a log file, so the sign-ins stay on screen."""
    with worker_log(var_dir).open("ab") as log:
        # The same interpreter and project folder as this process: fixed command lines.
        return [
            subprocess.Popen(  # noqa: S603
                command, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT
            )
            for command in (worker_command(var_dir), media_worker_command())
        ]


def stop_worker(worker: subprocess.Popen[bytes], timeout: float = WORKER_STOP_SECONDS) -> None:
    """Ask the worker to finish its tasks and stop; kill it if it has not within ``timeout``."""
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def browser_url(host: str, port: int) -> str:
    """The address to open: a wildcard host means this machine."""
    if host in {"0.0.0.0", "::", ""}:  # noqa: S104  (recognising it, not binding to it)
        host = "localhost"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    # SIGTERM would otherwise end Python at once, skipping the ``finally`` that stops the worker.
    sys.exit(0)


class Command(BaseCommand):
    help = (
        "Serve the portal with Django's server, the Celery workers (one for recordings) and "
        "beat; print the address "
        "and the demo sign-ins. For one machine and development; production uses gunicorn "
        "and separate workers (docker-compose.yml)."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on.")
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the Celery workers and beat."
        )

    def handle(self, *args: Any, host: str, port: int, no_worker: bool, **options: Any) -> None:
        url = browser_url(host, port)
        listen = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
        workers = [] if no_worker else start_workers(settings.VAR_DIR)
        try:
            self.stdout.write(f"The portal: {url}/")
            if workers:
                self.stdout.write(
                    f"Celery workers and beat: log in {worker_log(settings.VAR_DIR)}"
                )
            self.stdout.write("")
            self.stdout.write(format_sign_ins(url) or NO_DEMO)
            call_command("runserver", listen, use_reloader=False)
        finally:
            for worker in workers:
                stop_worker(worker)
