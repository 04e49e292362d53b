"""Benchmark: one parent's feed translated after they choose a language, through the real
worker (R34, issue 15).

Builds the demo school at ``--scale 3`` in a throwaway PostgreSQL database (the test runner's
``test_<name>``, made and dropped here), sets the demo parent's language to Polish, and enqueues
``stories.tasks.backfill_translations`` for them as the account-language page does (by dotted
name, after the commit). A real Celery worker (``celery -A dojo_portal worker``, prefork,
concurrency 2, production settings) on Redis runs it; it translates through
``TRANSLATION_BACKEND=libretranslate`` against the LibreTranslate stand-in of the tests
(``tests/translation/standin.py``, a real HTTP server on 127.0.0.1 in this process: models
cannot be downloaded here), which answers each text after ``--engine-ms`` milliseconds, as an
engine would take. The clock runs from the enqueue until every post of the parent's backfill
has its translation; the target is under 60 s. A text met before is not asked again (the
translation cache): the engine sees each different text once. Then the backfill is enqueued
again: it must ask the engine nothing (idempotent).

Needs ``DATABASE_URL`` naming a PostgreSQL server whose role may create databases, and Redis
(default ``redis://127.0.0.1:6379/12``, ``--redis`` to change); without either it says SKIP and
exits 0 (``make benchmark`` runs every script here).
Run: ``DATABASE_URL=postgres://root@127.0.0.1:5432/root .venv/bin/python benchmarks/backfill.py
[--engine-ms 50] [--concurrency 2]``.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time

if not os.environ.get("DATABASE_URL"):
    print("SKIP backfill: set DATABASE_URL to a PostgreSQL server to run this benchmark.")
    sys.exit(0)

from support.realworker import ROOT, redis_answers, start_worker, worker_environment

TARGET_SECONDS = 60
LANGUAGE = "pl"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--engine-ms", type=float, default=50.0)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12")
    return parser.parse_args()


ARGS = parse_args()
if not redis_answers(ARGS.redis):
    print(f"SKIP backfill: no Redis answers at {ARGS.redis} (the worker's broker).")
    sys.exit(0)
sys.path.insert(0, str(ROOT))

from tests.translation.standin import Received, Reply, StandIn, libretranslate_routes  # noqa: E402


def polish(text: str, source: str, target: str) -> str:
    return f"[{source}>{target}] {text}"


ROUTES = libretranslate_routes(polish, ("en", "pl", "ro", "ur", "ar", "es"))


def slowly(request: Received) -> Reply:
    time.sleep(ARGS.engine_ms / 1000)
    return ROUTES["/translate"](request)


ENGINE = StandIn({**ROUTES, "/translate": slowly})
os.environ.update(
    DJANGO_SETTINGS_MODULE="dojo_portal.settings.test",
    REDIS_URL=ARGS.redis,
    CELERY_BROKER_URL=ARGS.redis,
    CELERY_TASK_ALWAYS_EAGER="false",
    TRANSLATION_BACKEND="libretranslate",
    TRANSLATION_URL=ENGINE.url,
)

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import (  # noqa: E402
    override_settings,
    setup_databases,
    teardown_databases,
)

from accounts.models import User  # noqa: E402
from core.queue import enqueue_on_commit  # noqa: E402
from demo.people import PARENT_EMAIL  # noqa: E402
from demo.seed import seed_demo  # noqa: E402
from dojo_portal.celery import app  # noqa: E402
from stories.models import Post, PostTranslation  # noqa: E402
from stories.services.translations import posts_to_backfill  # noqa: E402


def wait_for(post_ids: list[int], started: float) -> float:
    translated = PostTranslation.objects.filter(post_id__in=post_ids, language=LANGUAGE)
    while time.monotonic() - started < 600:
        if translated.count() >= len(post_ids):
            return time.monotonic() - started
        time.sleep(0.1)
    raise SystemExit("the backfill did not finish within 10 minutes")


def run(var_dir: str) -> None:
    started = time.monotonic()
    seed_demo(scale=3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"demo school at scale 3 ({Post.objects.count():,} posts) built in "
        f"{time.monotonic() - started:.1f} s"
    )
    parent = User.objects.get(email=PARENT_EMAIL)
    User.objects.filter(pk=parent.pk).update(preferred_language=LANGUAGE)
    parent.refresh_from_db()
    PostTranslation.objects.filter(language=LANGUAGE).delete()
    cache.clear()
    posts = posts_to_backfill(parent)
    post_ids = [post.pk for post in posts]
    # A text the engine translated once is not asked again (the weekly reminders repeat).
    texts = len({(post.language.split("-")[0], post.body) for post in posts})
    print(
        f"the demo parent sees {len(post_ids)} posts of the last ten weeks to translate "
        f"({texts} different texts)"
    )
    env = worker_environment(connection.settings_dict["NAME"], var_dir)
    env.update(TRANSLATION_BACKEND="libretranslate", TRANSLATION_URL=ENGINE.url)
    app.control.purge()
    worker = start_worker(env, ARGS.concurrency)
    try:
        asked_before = len(ENGINE.requests_to("/translate"))
        started = time.monotonic()
        enqueue_on_commit("stories.tasks.backfill_translations", parent.pk)
        seconds = wait_for(post_ids, started)
        asked = len(ENGINE.requests_to("/translate")) - asked_before
        verdict = "meets" if seconds < TARGET_SECONDS else "MISSES"
        print(
            f"backfill of {len(post_ids)} posts into Polish through the worker: {seconds:.1f} s "
            f"(engine answering in {ARGS.engine_ms:.0f} ms; {asked} texts asked); "
            f"{verdict} the {TARGET_SECONDS} s target"
        )
        if asked != texts:
            raise SystemExit(f"expected {texts} texts asked, the engine saw {asked}")
        enqueue_on_commit("stories.tasks.backfill_translations", parent.pk)
        time.sleep(3)
        again = len(ENGINE.requests_to("/translate")) - asked_before - asked
        print(f"enqueued again: {again} texts asked (idempotent: nothing to do)")
        if again:
            raise SystemExit("the second backfill asked the engine again")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)


def main() -> int:
    if connection.vendor != "postgresql":
        print("backfill: DATABASE_URL must name a PostgreSQL database.", file=sys.stderr)
        return 2
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        print(f"PostgreSQL, throwaway database {connection.settings_dict['NAME']}")
        print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} before the run")
        with (
            tempfile.TemporaryDirectory(prefix="dojo-bench-") as var_dir,
            override_settings(MEDIA_ROOT=os.path.join(var_dir, "media")),
        ):
            run(var_dir)
        print(f"load average {os.getloadavg()[0]:.1f} after the run")
    finally:
        connection.close()
        teardown_databases(databases, verbosity=0)
        ENGINE.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
