"""Benchmark: releasing 10,000 quiet-time messages at 08:00 on Monday (R19, issue 5).

Parents' messages written over the weekend are stored with ``deliver_at`` Monday 08:00. At
08:00 beat sends its two every-minute sweeps: messaging's (``messaging.tasks.sweep_notices``)
records a notification for each message through the notification service, and the
notification service's (``notifications.tasks.sweep_notifications``) hands their
emails to the workers in batches. This script builds that Monday morning in a throwaway
PostgreSQL database (the test runner's ``test_<name>``, made and dropped here) and times the
release two ways:

1. The real path: a real Celery worker (``celery -A dojo_portal worker``, prefork, concurrency
   2, production settings) on Redis; the script sends messaging's sweep as beat would, waits
   until every notification is recorded, sends the notification service's sweep (beat sends
   it every minute too: at worst the emails start a minute later) and waits until every
   notification is marked emailed. The emails go over SMTP to a counting sink that the script
   runs on 127.0.0.1 (a real SMTP conversation per connection; nothing leaves the machine).
2. For comparison, the same release in this one process with no worker: both sweeps, then the
   emails in the same batches one after the other.

The messages are 5 from each of 2,000 parents (one child each, 67 classes). So that the release
can be run on any day, the throwaway school works every day, all day (the data's "Monday 08:00"
is the last 08:00 before the run); reply due times are two days ahead, so no reminder is due.
On an English bank holiday the calendar still says quiet time: the script then says so and
exits. The target is under 60 s on 2 cores with the real worker.

Needs ``DATABASE_URL`` naming a PostgreSQL server whose role may create databases, and Redis
(default ``redis://127.0.0.1:6379/13``, ``--redis`` to change); without either it says
SKIP and exits 0 (``make benchmark`` runs every script here).
Run: ``DATABASE_URL=postgres://root@127.0.0.1:5432/root .venv/bin/python
benchmarks/message_release.py [--messages 10000] [--concurrency 2]``.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as clock

if not os.environ.get("DATABASE_URL"):
    print("SKIP message_release: set DATABASE_URL to a PostgreSQL server to run this benchmark.")
    sys.exit(0)

from support.realworker import (
    ROOT,
    configure_environment,
    redis_answers,
    start_sink,
    start_worker,
    worker_environment,
)

FAMILIES = 2000
PER_CLASS = 30


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    return parser.parse_args()


ARGS = parse_args()
if not redis_answers(ARGS.redis):
    print(f"SKIP message_release: no Redis answers at {ARGS.redis} (the worker's broker).")
    sys.exit(0)
SINK = start_sink()
sys.path.insert(0, str(ROOT))
configure_environment(ARGS.redis, SINK)

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from classes.models import Pupil, School, SchoolClass, YearGroup  # noqa: E402
from classes.worktime import calendar_for  # noqa: E402
from dojo_portal.celery import app  # noqa: E402
from messaging.models import Message, Thread  # noqa: E402
from messaging.notices import notices_sweep  # noqa: E402
from messaging.tasks import sweep_notices  # noqa: E402
from notifications.emails import emails_send  # noqa: E402
from notifications.models import Delivery, Kind, Notification  # noqa: E402
from notifications.sweep import deliveries_due  # noqa: E402
from notifications.tasks import BATCH, sweep_notifications  # noqa: E402

UNUSABLE = "!benchmark"  # no password: nobody signs in to the throwaway school


def school_works_all_week() -> None:
    school = School.objects.get()
    school.working_days = "1234567"
    school.working_day_starts, school.working_day_ends = clock(0, 0), clock(23, 59, 59)
    school.save()  # drops the cached copy that the worker would otherwise read


def last_monday_0800(now: datetime) -> datetime:
    local = timezone.localtime(now)
    monday = local.date() - timedelta(days=local.weekday())
    moment = timezone.make_aware(datetime.combine(monday, clock(8, 0)))
    return moment if moment <= now else moment - timedelta(days=7)


def build(messages: int) -> int:
    """Classes, a teacher each, 2,000 families and their threads; ``messages`` parents'
    messages sent on Saturday, delivered Monday 08:00. Bulk inserts; returns the threads."""
    classes = SchoolClass.objects.bulk_create(
        SchoolClass(name=f"Class {n}", year_group=YearGroup.YEAR_3, academic_year=2026)
        for n in range(-(-FAMILIES // PER_CLASS))
    )
    teachers = User.objects.bulk_create(
        User(email=f"teacher{n}@school.invalid", role=Role.TEACHER, password=UNUSABLE)
        for n in range(len(classes))
    )
    parents = User.objects.bulk_create(
        User(email=f"parent{n}@home.invalid", role=Role.PARENT, password=UNUSABLE)
        for n in range(FAMILIES)
    )
    pupils = Pupil.objects.bulk_create(
        Pupil(
            first_name=f"Child{n}",
            surname=f"Family{n}",
            date_of_birth=date(2018, 5, 17),
            school_class=classes[n // PER_CLASS],
        )
        for n in range(FAMILIES)
    )
    threads = Thread.objects.bulk_create(
        Thread(parent=parents[n], teacher=teachers[n // PER_CLASS], pupil=pupils[n])
        for n in range(FAMILIES)
    )
    now = timezone.now()
    deliver = last_monday_0800(now)
    Message.objects.bulk_create(
        (
            Message(
                thread=threads[n % FAMILIES],
                author_id=threads[n % FAMILIES].parent_id,
                from_parent=True,
                body="Can I ask about the trip on Friday?",
                language="en-gb",
                sent_at=deliver - timedelta(hours=46),  # Saturday 10:00
                deliver_at=deliver,
                reply_due_at=now + timedelta(days=2),
            )
            for n in range(messages)
        ),
        batch_size=2000,
    )
    return len(threads)


def wait_until(done: Callable[[], bool], started: float) -> float:
    """Seconds from ``started`` until ``done()``; gives up after 10 minutes."""
    while not done():
        if time.monotonic() > started + 600:
            raise SystemExit("the release did not finish within 10 minutes")
        time.sleep(0.1)
    return time.monotonic() - started


def all_recorded(expected: int) -> Callable[[], bool]:
    return lambda: Notification.objects.filter(kind=Kind.NEW_MESSAGE).count() >= expected


def all_emailed() -> bool:
    return not Notification.objects.exclude(email_state=Delivery.SENT).exists()


def one_summary_each(received: int) -> str:
    """R31: staff get one email per kind per sweep, so each teacher one summary."""
    teachers = User.objects.filter(role=Role.TEACHER).count()
    if received != teachers:
        raise SystemExit(f"{received:,} emails for {teachers:,} teachers: expected one each")
    return f"one summary email for each of the {teachers:,} teachers"


def release_with_worker(expected: int, db_name: str, concurrency: int) -> None:
    with tempfile.TemporaryDirectory(prefix="dojo-bench-") as var_dir:
        worker = start_worker(worker_environment(db_name, var_dir), concurrency)
        try:
            app.control.purge()
            sent_before = SINK.count
            started = time.monotonic()
            sweep_notices.apply_async()  # what beat sends at 08:00
            recorded = wait_until(all_recorded(expected), started)
            sweep_notifications.apply_async()
            emailed = wait_until(all_emailed, started)
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
    print(
        f"real worker (prefork, concurrency {concurrency}): {expected:,} notifications recorded "
        f"in {recorded:.1f} s, all emailed in {emailed:.1f} s ({emailed - recorded:.1f} s after "
        f"the second sweep was sent; {expected / (emailed - recorded):,.0f} notifications/s; "
        f"SMTP sink received {SINK.count - sent_before:,}: "
        f"{one_summary_each(SINK.count - sent_before)})"
    )


def release_in_process(expected: int) -> None:
    Notification.objects.all().delete()
    Message.objects.update(notified_at=None)
    sent_before = SINK.count
    started = time.monotonic()
    notices_sweep()
    recorded = time.monotonic() - started
    ids = deliveries_due().emails
    for start in range(0, len(ids), BATCH):
        emails_send(ids[start : start + BATCH])
    total = time.monotonic() - started
    assert len(ids) == expected and all_emailed()
    print(
        f"one process, no worker: {len(ids):,} notifications recorded in {recorded:.1f} s, all "
        f"emailed in {total:.1f} s (SMTP sink received {SINK.count - sent_before:,}: "
        f"{one_summary_each(SINK.count - sent_before)})"
    )


def main() -> int:
    if connection.vendor != "postgresql":
        print("message_release: DATABASE_URL must name a PostgreSQL database.", file=sys.stderr)
        return 2
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        db_name = connection.settings_dict["NAME"]
        print(f"PostgreSQL, throwaway database {db_name}; Redis {ARGS.redis}")
        load = os.getloadavg()[0]
        print(f"{os.cpu_count()} cores; load average {load:.1f} before the run")
        school_works_all_week()
        if not calendar_for().is_working_time(timezone.now()):
            print("Today is a bank holiday in England: quiet time all day. Run it another day.")
            return 0
        started = time.monotonic()
        threads = build(ARGS.messages)
        print(
            f"built {ARGS.messages:,} messages in {threads:,} threads "
            f"in {time.monotonic() - started:.1f} s"
        )
        release_with_worker(ARGS.messages, db_name, ARGS.concurrency)
        release_in_process(ARGS.messages)
    finally:
        connection.close()
        teardown_databases(databases, verbosity=0)
        SINK.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
