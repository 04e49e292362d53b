"""What the benchmarks that run a real Celery worker share: an SMTP sink on 127.0.0.1 that
counts what it receives, the environment this process and the worker share, and the worker.

Nothing here imports Django: a benchmark starts the sink and sets the environment before
Django reads its settings.
"""

from __future__ import annotations

import os
import secrets
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class SmtpSink(socketserver.ThreadingTCPServer):
    """Just enough SMTP for Django's backend: accepts every message and counts it."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SmtpHandler)
        self.count, self.lock = 0, threading.Lock()

    def received(self) -> None:
        with self.lock:
            self.count += 1


class SmtpHandler(socketserver.StreamRequestHandler):
    server: SmtpSink
    REPLIES = {b"EHLO": b"250 sink", b"HELO": b"250 sink", b"DATA": b"354 go on"}

    def reply(self, line: bytes) -> None:
        self.wfile.write(line + b"\r\n")

    def handle(self) -> None:
        self.reply(b"220 sink")
        for raw in self.rfile:
            verb = raw[:4].upper()
            if verb == b"QUIT":
                self.reply(b"221 bye")
                return
            self.reply(self.REPLIES.get(verb, b"250 ok"))
            if verb == b"DATA":
                for line in self.rfile:
                    if line in (b".\r\n", b".\n"):
                        break
                self.server.received()
                self.reply(b"250 queued")


def start_sink() -> SmtpSink:
    sink = SmtpSink()
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    return sink


def configure_environment(redis_url: str, sink: SmtpSink) -> None:
    """Before Django starts: this process and the worker share Redis and the SMTP sink."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="dojo_portal.settings.test",
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        CELERY_TASK_ALWAYS_EAGER="false",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(sink.server_address[1]),
        EMAIL_USE_TLS="false",
    )


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def worker_environment(db_name: str, var_dir: str) -> dict[str, str]:
    """Production settings (DEBUG off) on the throwaway database, Redis and the SMTP sink."""
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="dojo_portal.settings",
        DJANGO_DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"{base}/{db_name}",
        DOJO_VAR_DIR=var_dir,
        PYTHONPATH=str(ROOT),
    )
    return env


def start_worker(env: dict[str, str], concurrency: int) -> subprocess.Popen[bytes]:
    celery = Path(sys.executable).with_name("celery")
    command = [
        str(celery), "--quiet", "-A", "dojo_portal", "worker", "--pool", "prefork",
        "--concurrency", str(concurrency), "--loglevel", "WARNING",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    worker = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    deadline = time.monotonic() + 60
    from dojo_portal.celery import app

    while not app.control.ping(timeout=0.5):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the Celery worker did not start")
    return worker
