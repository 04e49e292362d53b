"""Benchmark: the stories feed as parents and teachers open it, on PostgreSQL (R15, R30).

Builds the demo school at ``--scale 3`` (42 classes, a term of posts in all three stories, a
third of them with photos, likes and views) in a throwaway PostgreSQL database (the test
runner's ``test_<name>``, made and dropped here), analyses its tables as autovacuum would, and
times, through Django's test client (server time: the ``client.get`` call, no network),
``--rounds`` requests each of:

- a parent's feed (``/stories/``, the first page of 20 posts, some with photos), as the demo
  parent, who has children in two classes; the page also records what the parent has seen;
- a teacher's feed, as the demo teacher (their class and the School Story, with the reach of
  their own posts);
- a trivial signed-in page (the password-change form) in the same run, for comparison.

Checks first that each feed page has 20 posts and photos among them. Reports each page's
throughput (requests a second, one request after another), median and 95th percentile in
milliseconds and SQL queries a request, then each feed's throughput as a share of the trivial
page's. The target is at least a third.

Needs ``DATABASE_URL`` naming a PostgreSQL server whose role may create databases; without it
the script says so and exits 0 (``make benchmark`` runs every script here).
Run: ``DATABASE_URL=postgres://root@127.0.0.1:5432/root .venv/bin/python benchmarks/feed.py
[--rounds 200]``; with production settings, add ``DJANGO_DEBUG=false SECRET_KEY=…
ALLOWED_HOSTS=testserver SECURE_SSL_REDIRECT=false`` (static files are collected into the run's
own ``var/`` first).
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

if not os.environ.get("DATABASE_URL"):
    print("SKIP feed: set DATABASE_URL to a PostgreSQL server to run this benchmark.")
    sys.exit(0)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dojo_portal.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    override_settings,
    setup_databases,
    setup_test_environment,
    teardown_databases,
    teardown_test_environment,
)
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from classes.models import Pupil, SchoolClass  # noqa: E402
from demo.people import PARENT_EMAIL, TEACHER_EMAIL  # noqa: E402
from demo.seed import seed_demo  # noqa: E402
from stories.models import Attachment, Like, Post, PostSeen  # noqa: E402
from stories.selectors import PAGE_SIZE  # noqa: E402

TARGET_SHARE = 1 / 3
ARTICLE = re.compile(r"<article\b.*?</article>", re.DOTALL)


@dataclass(frozen=True)
class Timing:
    label: str
    times: list[float]  # milliseconds of each request
    total: float  # seconds for all of them, one after another
    queries: int

    @property
    def per_second(self) -> float:
        return len(self.times) / self.total

    def line(self) -> str:
        p95 = statistics.quantiles(self.times, n=20)[-1]
        return (
            f"{self.label:<28} {self.per_second:6.1f} req/s   median "
            f"{statistics.median(self.times):6.1f} ms   p95 {p95:6.1f} ms   {self.queries} queries"
        )


def timed(label: str, rounds: int, call: Callable[[], int]) -> Timing:
    """Time ``rounds`` calls (each must answer 200), after counting one call's queries."""
    reset_queries()  # each request empties the log: start from empty to count this one's
    with CaptureQueriesContext(connection) as queries:
        assert call() == 200
    count = len(queries)  # now: the next request empties the log
    times = []
    started = time.perf_counter()
    for _round in range(rounds):
        start = time.perf_counter()
        status = call()
        times.append((time.perf_counter() - start) * 1000)
        assert status == 200, status
    return Timing(label, times, time.perf_counter() - started, count)


def page_check(client: Client, who: str) -> None:
    """Print (and insist) that the first page has PAGE_SIZE posts, some with photos."""
    page = client.get(reverse("stories_feed")).content.decode()
    posts = ARTICLE.findall(page)
    photos = [post for post in posts if "<img " in post]
    images = sum(post.count("<img ") for post in photos)
    print(f"{who} feed page: {len(posts)} posts, {len(photos)} with photos ({images} images)")
    assert len(posts) == PAGE_SIZE, f"expected a full page of {PAGE_SIZE} posts"
    assert photos, "expected posts with photos on the page"


def signed_in(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def run(rounds: int) -> None:
    started = time.perf_counter()
    seed_demo(scale=3)
    with connection.cursor() as cursor:
        # Table statistics, as autovacuum keeps them on a school's server: without them the
        # planner guesses sizes for the freshly filled tables.
        cursor.execute("ANALYZE")
    print(f"demo school at scale 3 built and analysed in {time.perf_counter() - started:.1f} s")
    # The seed's objects are garbage now: collect them, so that the timed requests do not pay
    # for walking them (a web server's process never held them).
    gc.collect()
    print(
        f"{SchoolClass.objects.count()} classes, {Pupil.objects.count()} pupils, "
        f"{Post.objects.count()} posts, {Attachment.objects.count()} photos, "
        f"{Like.objects.count()} likes, {PostSeen.objects.count()} post views"
    )
    classes = Pupil.objects.filter(parent_links__parent__email=PARENT_EMAIL).values_list(
        "school_class__name", flat=True
    )
    assert len(set(classes)) == 2, "the demo parent has children in two classes"
    print(f"parent: children in {' and '.join(sorted(classes))}; teacher: {TEACHER_EMAIL}")
    parent, teacher = signed_in(PARENT_EMAIL), signed_in(TEACHER_EMAIL)
    page_check(parent, "parent")
    page_check(teacher, "teacher")
    feed, trivial = reverse("stories_feed"), reverse("account_change_password")
    results = [
        timed("parent feed (20 posts)", rounds, lambda: parent.get(feed).status_code),
        timed("teacher feed (20 posts)", rounds, lambda: teacher.get(feed).status_code),
        timed("trivial signed-in page", rounds, lambda: parent.get(trivial).status_code),
    ]
    for result in results:
        print(result.line())
    base = results[-1].per_second
    for result in results[:-1]:
        share = result.per_second / base
        verdict = "meets" if share >= TARGET_SHARE else "MISSES"
        print(
            f"{result.label}: {share:.3f} of the trivial page's throughput "
            f"({verdict} the target of at least 1/3)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("feed: DATABASE_URL must name a PostgreSQL database.", file=sys.stderr)
        return 2
    if not settings.DEBUG:
        # Production settings serve hashed static names from the manifest: build it first
        # (into this run's own var/ folder).
        call_command("collectstatic", "--noinput", verbosity=0)
    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False)
    # The demo's photos go to a throwaway folder too, removed with everything in it.
    media = tempfile.TemporaryDirectory(prefix="feed-media-")
    try:
        print(f"PostgreSQL, throwaway database {connection.settings_dict['NAME']}")
        print(f"DEBUG {'on (test settings)' if settings.DEBUG else 'off (production settings)'}")
        with override_settings(MEDIA_ROOT=media.name):
            run(args.rounds)
    finally:
        media.cleanup()
        teardown_databases(databases, verbosity=0)
        teardown_test_environment()
    return 0


if __name__ == "__main__":
    sys.exit(main())
