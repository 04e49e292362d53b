"""Benchmark: a School Story post told to 700 families, from publish to every email sent (R31,
issue 7).

The leader publishes a School Story post (``stories.services.posts.post_create``, as the
compose page does). After the commit the post's task (``stories.tasks.notify_post``) goes to a
real Celery worker (``celery -A dojo_portal worker``, prefork, concurrency 2, production
settings) on Redis: it records a notification for each of the 700 parents (in the portal) and
then runs the notification sweep, whose email batches the worker's two processes share. Half
of the parents chose "Email at once" for posts (350 emails); the other half keep the default,
the daily digest, so their news waits in the portal for the evening. The emails go over SMTP to
a counting sink that the script runs on 127.0.0.1 (nothing leaves the machine). The clock stops
when every email-at-once notification is marked sent; the target is under 30 s on 2 cores.

Then an urgent School Story post (snow closure) is timed the same way: it goes by email to all
700 parents whatever they chose. Last, the bell's unread count cold (one query) and warm (none).

The school is built in a throwaway PostgreSQL database (the test runner's ``test_<name>``, made
and dropped here): 700 families, one child each, in classes of 30. Parents are told at any
time, so the benchmark runs on any day; so that it runs at any hour, every family's digest for
today counts as sent already (the digest half's news waits for tomorrow's).

Needs ``DATABASE_URL`` naming a PostgreSQL server whose role may create databases, and Redis
(default ``redis://127.0.0.1:6379/12``, ``--redis`` to change); without either it says SKIP and
exits 0 (``make benchmark`` runs every script here).
Run: ``DATABASE_URL=postgres://root@127.0.0.1:5432/root .venv/bin/python
benchmarks/notify_fanout.py [--families 700] [--concurrency 2]``.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from datetime import date

if not os.environ.get("DATABASE_URL"):
    print("SKIP notify_fanout: set DATABASE_URL to a PostgreSQL server to run this benchmark.")
    sys.exit(0)

from support.realworker import (
    ROOT,
    configure_environment,
    redis_answers,
    start_sink,
    start_worker,
    worker_environment,
)

PER_CLASS = 30
TARGET_SECONDS = 30


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--families", type=int, default=700)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12")
    return parser.parse_args()


ARGS = parse_args()
if not redis_answers(ARGS.redis):
    print(f"SKIP notify_fanout: no Redis answers at {ARGS.redis} (the worker's broker).")
    sys.exit(0)
SINK = start_sink()
sys.path.insert(0, str(ROOT))
# Before Django starts: this process and the worker share Redis (broker and cache) and the sink.
configure_environment(ARGS.redis, SINK)

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_databases,
    teardown_databases,
)
from django.utils import timezone  # noqa: E402

from accounts.models import ParentLink, Role, User  # noqa: E402
from classes.models import Pupil, SchoolClass, YearGroup  # noqa: E402
from classes.selectors import school_get  # noqa: E402
from dojo_portal.celery import app  # noqa: E402
from notifications.models import (  # noqa: E402
    Channel,
    Delivery,
    DigestSent,
    Kind,
    Notification,
    NotificationSetting,
)
from notifications.selectors import bell_for  # noqa: E402
from stories.models import Audience, Post  # noqa: E402
from stories.services.posts import post_create  # noqa: E402

UNUSABLE = "!benchmark"  # no password: nobody signs in to the throwaway school


def build(families: int) -> tuple[User, list[User]]:
    """Classes, ``families`` parents with a child each, half of them choosing "Email at once"
    for posts; a head teacher to post. Bulk inserts."""
    classes = SchoolClass.objects.bulk_create(
        SchoolClass(name=f"Class {n}", year_group=YearGroup.YEAR_3, academic_year=2026)
        for n in range(-(-families // PER_CLASS))
    )
    parents = User.objects.bulk_create(
        User(email=f"parent{n}@home.invalid", role=Role.PARENT, password=UNUSABLE)
        for n in range(families)
    )
    pupils = Pupil.objects.bulk_create(
        Pupil(
            first_name=f"Child{n}",
            surname=f"Family{n}",
            date_of_birth=date(2018, 5, 17),
            school_class=classes[n // PER_CLASS],
        )
        for n in range(families)
    )
    ParentLink.objects.bulk_create(
        ParentLink(parent=parent, pupil=pupil)
        for parent, pupil in zip(parents, pupils, strict=True)
    )
    NotificationSetting.objects.bulk_create(
        NotificationSetting(user=parent, kind=Kind.NEW_POST, channel=Channel.EMAIL)
        for parent in parents[::2]
    )
    # Today's digests have gone already: the post's news for the other half waits for
    # tomorrow's, and every email the sink counts is an email at once.
    today = timezone.localdate(timezone.now(), school_get().tz)
    DigestSent.objects.bulk_create(DigestSent(user=parent, day=today) for parent in parents)
    head = User.objects.create(
        email="head@school.invalid", role=Role.LEADER, password=UNUSABLE, is_staff=True
    )
    return head, parents


def wait_until_sent(post: Post, *, recorded: int, emailed: int, started: float) -> list[float]:
    """Seconds until every notification of the post was recorded, and until every email at
    once was sent."""
    told = Notification.objects.filter(key=f"post:{post.pk}")
    recorded_at = None
    deadline = started + 600
    while time.monotonic() < deadline:
        if recorded_at is None and told.count() >= recorded:
            recorded_at = time.monotonic() - started
        if recorded_at is not None:
            sent = told.filter(email_state=Delivery.SENT).count()
            failed = told.filter(email_state__in=[Delivery.FAILED, Delivery.BOUNCED]).count()
            if failed:
                raise SystemExit(f"{failed} emails failed: see the worker's log")
            if sent >= emailed:
                return [recorded_at, time.monotonic() - started]
        time.sleep(0.05)
    raise SystemExit("the fan-out did not finish within 10 minutes")


def publish_and_wait(head: User, body: str, *, urgent: bool, recorded: int, emailed: int) -> None:
    sent_before = SINK.count
    started = time.monotonic()
    # post_create commits its own transaction (atomic); its task is then sent to the worker.
    post = post_create(acting_user=head, audience=Audience.SCHOOL, body=body, urgent=urgent)
    published = time.monotonic() - started
    recorded_s, emailed_s = wait_until_sent(
        post, recorded=recorded, emailed=emailed, started=started
    )
    time.sleep(0.5)  # let the sink count any stray duplicate
    received = SINK.count - sent_before
    what = "urgent post" if urgent else "post"
    verdict = "meets" if emailed_s < TARGET_SECONDS else "MISSES"
    print(
        f"{what}: published in {published:.2f} s; {recorded:,} notifications recorded in "
        f"{recorded_s:.1f} s; all {emailed:,} emails sent in {emailed_s:.1f} s "
        f"({emailed / emailed_s:,.0f} emails/s; SMTP sink received {received:,}); "
        f"{verdict} the {TARGET_SECONDS} s target"
    )
    if received != emailed:
        raise SystemExit(f"expected {emailed:,} emails, the sink received {received:,}")


def measure_bell(parent: User) -> None:
    """The bell's unread count cold (one query) and warm (none), for one parent."""
    cache.delete(f"notifications:bell:{parent.pk}")
    with CaptureQueriesContext(connection) as cold:
        started = time.perf_counter()
        unread = bell_for(parent).unread
        cold_ms = (time.perf_counter() - started) * 1000
    with CaptureQueriesContext(connection) as warm:
        started = time.perf_counter()
        bell_for(parent)
        warm_ms = (time.perf_counter() - started) * 1000
    print(
        f"bell of a parent with {unread} unread: cold {len(cold.captured_queries)} query "
        f"({cold_ms:.1f} ms), warm {len(warm.captured_queries)} queries ({warm_ms:.1f} ms)"
    )


def main() -> int:
    if connection.vendor != "postgresql":
        print("notify_fanout: DATABASE_URL must name a PostgreSQL database.", file=sys.stderr)
        return 2
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        db_name = connection.settings_dict["NAME"]
        print(f"PostgreSQL, throwaway database {db_name}; Redis {ARGS.redis}")
        print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} before the run")
        started = time.monotonic()
        head, parents = build(ARGS.families)
        emailed = len(parents[::2])
        print(
            f"built {len(parents):,} families ({emailed:,} with posts by email at once) "
            f"in {time.monotonic() - started:.1f} s"
        )
        with tempfile.TemporaryDirectory(prefix="dojo-bench-") as var_dir:
            worker = start_worker(worker_environment(db_name, var_dir), ARGS.concurrency)
            try:
                app.control.purge()
                publish_and_wait(
                    head,
                    "Harvest festival on Friday: bring a tin for the food bank.",
                    urgent=False,
                    recorded=len(parents),
                    emailed=emailed,
                )
                measure_bell(parents[0])
                publish_and_wait(
                    head,
                    "Snow: the school is closed today. Please keep children at home.",
                    urgent=True,
                    recorded=len(parents),
                    emailed=len(parents),
                )
            finally:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=60)
        print(f"load average {os.getloadavg()[0]:.1f} after the run")
    finally:
        connection.close()
        teardown_databases(databases, verbosity=0)
        SINK.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
