"""Reliability of messaging (issue 5, R19, R21): with the broker down a message is still sent
and shown at once, and nothing is lost; when the broker returns, its notifications go out
within two rounds of beat's sweeps (messaging's, then the notification service's), each once;
two rounds at once (two beat processes) record and send each notification and each reminder
once. Against the real Redis and PostgreSQL where they matter."""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import secrets
import socket
import threading
import time
import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import before_task_publish, task_postrun
from django.conf import settings
from django.db import connection
from django.urls import reverse
from kombu import pools as kombu_pools
from kombu.exceptions import OperationalError

from accounts.models import User
from classes.models import Pupil, School, SchoolClass
from dojo_portal.celery import app
from messaging import notices
from messaging.models import Message
from messaging.notices import notices_sweep
from messaging.services.messages import message_start
from messaging.tasks import sweep_notices
from notifications import emails
from notifications.emails import emails_send
from notifications.models import Delivery, Kind, Notification
from notifications.sweep import deliveries_due
from notifications.tasks import sweep_notifications
from tests.clock import at
from tests.conftest import client_for
from tests.factories import ParentLinkFactory, PupilFactory
from tests.requirements import require_or_skip

LONDON = zoneinfo.ZoneInfo("Europe/London")
TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)
THURSDAY_1001 = dt.datetime(2026, 12, 3, 10, 1, tzinfo=LONDON)  # replies due Thursday 10:00
MINUTE = dt.timedelta(minutes=1)
# As settings.py configures a Redis broker: a request never waits long on one that is down.
REDIS_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 2,
    "socket_timeout": 2,
    "max_retries": 1,
}

# Celery's private "inside a task" flag; celery-types does not describe the module.
celery_state = importlib.import_module("celery._state")


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: a broker that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _reset_broker_pools(*, close: bool) -> None:
    """Drop the app's connection pools so that the next publish uses the broker now
    configured; ``close`` also closes every pooled connection (kombu keeps them globally)."""
    if close:
        kombu_pools.reset()
    app.__dict__["_pool"] = None  # as Celery does after a fork
    app.amqp.__dict__["_producer_pool"] = None


@contextmanager
def broker_at(url: str, **transport_options: Any) -> Iterator[None]:
    """Publish for real (not eagerly) to the broker at ``url`` for the duration."""
    names = ("broker_url", "task_always_eager", "broker_transport_options")
    saved = {name: app.conf[name] for name in names}
    app.conf.update(
        broker_url=url,
        task_always_eager=False,
        broker_transport_options={**REDIS_TRANSPORT_OPTIONS, **transport_options},
    )
    _reset_broker_pools(close=False)
    try:
        yield
    finally:
        app.conf.update(saved)
        _reset_broker_pools(close=True)


def post_message(client: Any, pupil: Pupil, teacher: User, body: str) -> tuple[Any, float]:
    """Send a first message through the page, as a parent does; returns the page and seconds."""
    started = time.monotonic()
    response = client.post(
        reverse("messaging_start"),
        {"to": f"{pupil.pk}-{teacher.pk}", "body": body, "route": "teacher"},
        follow=True,
    )
    return response, time.monotonic() - started


@pytest.fixture(autouse=True)
def _school_row(db: None) -> None:
    """A transactional test empties every table when it ends, the school row that the
    migration made included: make it again for the next one."""
    School.objects.get_or_create(singleton=True, defaults={"name": "School"})


@pytest.fixture
def maya(parent_with_child) -> Pupil:
    return parent_with_child[1]


@pytest.fixture
def parent(parent_with_child) -> User:
    return parent_with_child[0]


# With the broker down


# Transactions commit: whatever the page publishes after commit is really tried.
@pytest.mark.django_db(transaction=True)
def test_R19_with_the_broker_down_a_message_is_sent_and_shown_at_once_and_notified_later(
    school, parent, teacher, maya, mailoutbox
) -> None:
    with broker_at(f"redis://127.0.0.1:{closed_port()}/0"), at(TUESDAY_1000):
        with pytest.raises(OperationalError):  # the broker really is unreachable
            sweep_notices.apply_async(retry=False)
        response, seconds = post_message(client_for(parent), maya, teacher, "Is PE on Friday?")
    assert response.status_code == 200 and seconds < 3, seconds
    assert "Is PE on Friday?" in response.content.decode()  # the thread, rendered at once
    message = Message.objects.get()
    assert (message.thread.teacher, message.deliver_at) == (teacher, TUESDAY_1000)
    # The broker is back (here: eager): the next sweeps notify the teacher, once.
    for minutes in (1, 2):
        with at(TUESDAY_1000 + minutes * MINUTE):
            sweep_notices()
            sweep_notifications()
    assert [email.to for email in mailoutbox] == [[teacher.email]]
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind) == (teacher, Kind.NEW_MESSAGE)
    assert notification.emailed_at == TUESDAY_1000 + MINUTE


# When Redis returns: the real broker and a real worker


def redis_url() -> str:
    return settings.REDIS_URL or "redis://127.0.0.1:6379/0"


def redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def wait_until(done: Callable[[], bool], *, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


class TaskLedger:
    """Counts the tasks published to the broker and the tasks the worker has finished: when
    the two are equal, every sweep sent and every batch of emails it handed out has run."""

    def __init__(self) -> None:
        self.published = self.finished = 0
        self.lock = threading.Lock()

    def on_publish(self, **_kwargs: Any) -> None:
        with self.lock:
            self.published += 1

    def on_finish(self, **_kwargs: Any) -> None:
        with self.lock:
            self.finished += 1

    def settled(self) -> bool:
        with self.lock:
            return self.published == self.finished

    @contextmanager
    def listening(self) -> Iterator[TaskLedger]:
        before_task_publish.connect(self.on_publish, weak=False)
        task_postrun.connect(self.on_finish, weak=False)
        try:
            yield self
        finally:
            before_task_publish.disconnect(self.on_publish)
            task_postrun.disconnect(self.on_finish)


@contextmanager
def embedded_worker() -> Iterator[None]:
    """A real Celery worker in a thread of this process (so its emails reach this process's
    outbox), leaving the process's logging and Celery's global state as they were."""
    hijack, join_blocks = app.conf.worker_hijack_root_logger, celery_state.task_join_will_block()
    # A second worker in one process sets the root logger's level anyway: put it back, or the
    # tests that follow capture no warnings.
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    app.conf.update(worker_hijack_root_logger=False)
    try:
        with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        app.conf.update(worker_hijack_root_logger=hijack)
        celery_state._set_task_join_will_block(join_blocks)
        root.setLevel(level)
        root.handlers[:] = handlers


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_R19_when_redis_returns_notifications_go_out_within_two_sweeps_each_once(
    school, parent, teacher, maya, mailoutbox
) -> None:
    require_or_skip(
        connection.vendor == "postgresql",
        "needs PostgreSQL: the worker's thread shares the test database",
    )
    require_or_skip(redis_answers(redis_url()), f"needs Redis at {redis_url()}")
    client = client_for(parent)
    with broker_at(f"redis://127.0.0.1:{closed_port()}/0"), at(TUESDAY_1000):
        response, seconds = post_message(client, maya, teacher, "Is PE on Friday?")
    assert response.status_code == 200 and seconds < 3, seconds
    thread = Message.objects.get().thread
    prefix = f"test-notices-{secrets.token_hex(4)}:"
    redis_client = redis.Redis.from_url(redis_url())
    try:
        with (
            broker_at(redis_url(), global_keyprefix=prefix),
            at(TUESDAY_1000 + MINUTE),
            embedded_worker(),
            TaskLedger().listening() as ledger,
        ):
            for _round in range(2):  # as beat sends them, a minute apart
                for task in (sweep_notices, sweep_notifications):
                    task.apply_async()
                    wait_until(ledger.settled)
    finally:
        keys = list(redis_client.scan_iter(match=f"{prefix}*"))
        if keys:
            redis_client.delete(*keys)
    assert ledger.finished >= 5  # two rounds of two sweeps, and the first one's emails
    assert [email.to for email in mailoutbox] == [[teacher.email]]
    notification = Notification.objects.get()
    assert notification.link == reverse("messaging_thread", args=[thread.pk])
    assert reverse("notification_open", args=[notification.pk]) in mailoutbox[0].body
    assert notification.email_state == Delivery.SENT


# Two beat processes at once


class FirstCallMeets:
    """Wraps a function so that each thread's first call waits for the other thread's: both
    sweeps have read what is due before either claims any of it, the worst case."""

    def __init__(self, function: Callable[..., Any], barrier: threading.Barrier) -> None:
        self.function, self.barrier, self.seen = function, barrier, threading.local()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not getattr(self.seen, "met", False):
            self.seen.met = True
            self.barrier.wait()
        return self.function(*args, **kwargs)


def families(school_class: SchoolClass, teacher: User, count: int) -> list[Message]:
    """``count`` parents, each writing to ``teacher`` on Tuesday 10:00 about their own child."""
    sent = []
    for number in range(count):
        pupil = PupilFactory(school_class=school_class, first_name=f"Child{number}")
        parent = ParentLinkFactory(pupil=pupil).parent
        with at(TUESDAY_1000):
            sent.append(message_start(acting_user=parent, other=teacher, pupil=pupil, body="Hi"))
    return sent


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_R21_two_sweeps_at_once_send_each_notification_and_each_reminder_once(
    school, school_class, teacher, mailoutbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_or_skip(
        connection.vendor == "postgresql",
        "needs PostgreSQL: threads cannot share SQLite's in-memory test database",
    )
    sent = families(school_class, teacher, 8)
    meet_remind, meet_send = threading.Barrier(2, timeout=20), threading.Barrier(2, timeout=20)
    monkeypatch.setattr(
        notices, "_remind_thread", FirstCallMeets(notices._remind_thread, meet_remind)
    )
    monkeypatch.setattr(emails, "_claim", FirstCallMeets(emails._claim, meet_send))
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def beat() -> None:
        try:
            start.wait()
            # What the two sweep tasks do, their email batches run in this thread (not
            # through Celery's eager mode, whose state is global to the process).
            notices_sweep()
            emails_send(deliveries_due().emails)
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    with at(THURSDAY_1001):  # the new messages and the reminders are all due at once
        threads = [threading.Thread(target=beat) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    # R31: the teacher gets one summary of each kind, each sent once, covering all eight.
    subjects = sorted(email.subject for email in mailoutbox)
    assert len(subjects) == 2, subjects
    assert subjects[0].startswith("8 new messages from parents of "), subjects
    assert subjects[1].startswith("8 replies to parents of ") and subjects[1].endswith(
        "are overdue"
    ), subjects
    assert set(Notification.objects.values_list("email_state", flat=True)) == {Delivery.SENT}
    assert Notification.objects.filter(kind=Kind.NEW_MESSAGE).count() == 8
    assert Notification.objects.filter(kind=Kind.REPLY_OVERDUE).count() == 8
    assert not Notification.objects.exclude(email_state=Delivery.SENT).exists()
    assert not Message.objects.filter(pk__in=[m.pk for m in sent], reminded_at=None).exists()
