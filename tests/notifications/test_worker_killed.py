"""A real worker killed mid-batch (issue 13, item 6): a real Celery worker process claims a
batch of emails and sends some; it is killed with SIGKILL while the mail server holds the next
one; another worker is started. Every email goes exactly once, and the batch the dead worker had
claimed is taken over by the first sweep after ``CLAIM_TTL``: within two minutes of the kill.

The workers share this test's PostgreSQL database and a filesystem broker in a temporary folder,
and send over SMTP to a sink on 127.0.0.1 that the test runs. Their clocks are moved with
time-machine (``clocked_worker.py``), so the test waits seconds, not minutes.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socketserver
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection
from kombu import pools as kombu_pools

from classes.models import School
from core.claims import CLAIM_TTL
from dojo_portal.celery import app
from notifications.models import Delivery, Notification
from notifications.services import notify
from notifications.sweep import deliveries_due
from notifications.tasks import email_notifications, sweep_notifications
from tests.clock import at
from tests.factories import ParentFactory
from tests.requirements import require_or_skip

from .helpers import TUESDAY_1000, message_event

ROOT = Path(__file__).resolve().parents[2]
FAMILIES = 30
SENT_BEFORE_THE_KILL = 10
SECOND = dt.timedelta(seconds=1)


class Sink(socketserver.ThreadingTCPServer):
    """Just enough SMTP for Django's backend. Records the recipients of each message it
    accepts; the ``hold_at``-th message is held (no answer to DATA) until ``release``."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, hold_at: int) -> None:
        super().__init__(("127.0.0.1", 0), SinkHandler)
        self.accepted: list[str] = []
        self.data_seen, self.hold_at = 0, hold_at
        self.holding, self.release = threading.Event(), threading.Event()
        self.lock = threading.Lock()

    def must_hold(self) -> bool:
        with self.lock:
            self.data_seen += 1
            return self.data_seen == self.hold_at

    def accept(self, recipients: list[str]) -> None:
        with self.lock:
            self.accepted += recipients


class SinkHandler(socketserver.StreamRequestHandler):
    server: Sink

    def reply(self, line: bytes) -> None:
        self.wfile.write(line + b"\r\n")

    def handle(self) -> None:
        try:
            self.conversation()
        except OSError:  # the worker died mid-conversation
            return

    def conversation(self) -> None:
        self.reply(b"220 sink")
        recipients: list[str] = []
        for raw in self.rfile:
            verb = raw[:4].upper()
            if verb == b"QUIT":
                self.reply(b"221 bye")
                return
            if verb == b"RCPT":
                recipients.append(raw.decode().split(":", 1)[1].strip().strip("<>"))
            if verb != b"DATA":
                self.reply(b"250 sink" if verb in (b"EHLO", b"HELO") else b"250 ok")
                continue
            if self.server.must_hold():
                self.server.holding.set()
                self.server.release.wait(timeout=60)
                return  # the worker that sent it is dead: the message was never accepted
            self.reply(b"354 go on")
            for line in self.rfile:
                if line in (b".\r\n", b".\n"):
                    break
            self.server.accept(recipients)
            recipients = []
            self.reply(b"250 queued")


@contextmanager
def sink_running(hold_at: int) -> Iterator[Sink]:
    sink = Sink(hold_at)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    try:
        yield sink
    finally:
        sink.release.set()
        sink.shutdown()
        sink.server_close()


def broker_options(folder: Path) -> dict[str, object]:
    """The filesystem transport's folders, as settings.py makes them under ``DOJO_VAR_DIR``."""
    names = ("queue", "processed", "control")
    queue, processed, control = (folder / "celery" / name for name in names)
    for path in (queue, processed, control):
        path.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(queue),
        "data_folder_out": str(queue),
        "processed_folder": str(processed),
        "store_processed": False,
        "control_folder": str(control),
    }


@contextmanager
def publishing_to(folder: Path) -> Iterator[None]:
    """This process publishes for real (not eagerly) to the workers' filesystem broker."""
    names = ("broker_url", "task_always_eager", "broker_transport_options")
    saved = {name: app.conf[name] for name in names}
    app.conf.update(
        broker_url="filesystem://",
        task_always_eager=False,
        broker_transport_options=broker_options(folder),
    )
    app.__dict__["_pool"] = None
    app.amqp.__dict__["_producer_pool"] = None
    try:
        yield
    finally:
        app.conf.update(saved)
        kombu_pools.reset()
        app.__dict__["_pool"] = None
        app.amqp.__dict__["_producer_pool"] = None


def start_worker(clock: dt.datetime, folder: Path, sink: Sink) -> subprocess.Popen[bytes]:
    """A real worker (``celery -A dojo_portal worker``, the solo pool: the process killed is
    the one sending, as in a container, where SIGKILL reaches every process) whose clock starts
    at ``clock``, on this test's database, the broker in ``folder`` and the SMTP sink."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="dojo_portal.settings.test",
        DATABASE_URL=_database_url(),
        DOJO_VAR_DIR=str(folder),
        CELERY_BROKER_URL="filesystem://",
        CELERY_TASK_ALWAYS_EAGER="false",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(sink.server_address[1]),
        EMAIL_USE_TLS="false",
        PYTHONPATH=str(ROOT),
    )
    command = [
        sys.executable, "-m", "tests.notifications.clocked_worker", clock.isoformat(),
        "--quiet", "-A", "dojo_portal", "worker", "--pool", "solo", "--loglevel", "ERROR",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env)


def _database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or "5432"
    return f"postgresql://{user}{password}@{host}:{port}/{db['NAME']}"


def wait_until(done: Callable[[], bool], *, seconds: float) -> float:
    """Real seconds until ``done()``; fails after ``seconds``."""
    started = time.monotonic()
    while not done():
        assert time.monotonic() - started < seconds, "timed out"
        time.sleep(0.05)
    return time.monotonic() - started


def stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)  # warm shutdown
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)


@pytest.fixture(autouse=True)
def _school_row(db: None) -> None:
    """A transactional test empties every table when it ends, the migration's school row
    included: make it again."""
    School.objects.get_or_create(singleton=True, defaults={"name": "School"})


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_R31_a_worker_killed_mid_batch_its_emails_go_once_within_two_minutes(
    school, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    require_or_skip(
        connection.vendor == "postgresql",
        "needs PostgreSQL: the worker processes share the test database",
    )
    parents = [ParentFactory(email=f"family{n}@home.example.org") for n in range(FAMILIES)]
    notify([message_event(parent, n) for n, parent in enumerate(parents)], now=TUESDAY_1000)
    ids = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    emails = Notification.objects.filter(pk__in=ids)
    first = second = None
    with sink_running(hold_at=SENT_BEFORE_THE_KILL + 1) as sink, publishing_to(tmp_path):
        try:
            first = start_worker(TUESDAY_1000, tmp_path, sink)
            email_notifications.apply_async(args=(ids,))  # one batch, as the sweep hands out
            assert sink.holding.wait(timeout=60), "the worker sent nothing"
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
            sink.release.set()

            assert len(sink.accepted) == SENT_BEFORE_THE_KILL
            assert emails.filter(email_state=Delivery.SENT).count() == SENT_BEFORE_THE_KILL
            claimed = emails.filter(email_state=Delivery.SENDING)
            assert claimed.count() == FAMILIES - SENT_BEFORE_THE_KILL
            renewed = claimed.values_list("email_next_at", flat=True)
            stamp = max(at for at in renewed if at is not None)  # the claim's last renewal

            # Beat's sweeps come a minute apart. One 30 s after the claim leaves it: its worker
            # could still be alive. The next, 90 s after, is past CLAIM_TTL and takes it over.
            with at(stamp + 30 * SECOND):
                assert deliveries_due().emails == []
            takeover = stamp + 90 * SECOND
            assert takeover - stamp - CLAIM_TTL < dt.timedelta(minutes=1)
            second = start_worker(takeover, tmp_path, sink)
            sweep_notifications.apply_async()  # what beat sends at that minute
            recovered = wait_until(
                lambda: not emails.exclude(email_state=Delivery.SENT).exists(), seconds=60
            )
        finally:
            for worker in (first, second):
                if worker is not None:
                    stop(worker)
    received = Counter(sink.accepted)
    assert received == Counter(parent.email for parent in parents)  # each exactly once
    with capsys.disabled():
        print(
            f"\nworker killed mid-batch: {FAMILIES - SENT_BEFORE_THE_KILL} claimed emails taken "
            f"over by the sweep {(takeover - stamp).seconds} s after the claim's last renewal "
            f"(simulated; the bound is {CLAIM_TTL.seconds} s + one minute); the new worker sent "
            f"them {recovered:.1f} s (real, its start included) after that sweep was sent"
        )
