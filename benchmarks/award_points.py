"""Benchmark: an award round trip at the class screen, on PostgreSQL (R25, issue 6).

Builds the demo school at ``--scale 3`` in a throwaway PostgreSQL database (the test runner's
``test_<name>``, made and dropped here), signs in as a class teacher and times, through
Django's test client (server time: the ``client.post`` call, htmx request as the screen sends
it):

- one pupil: a skill for one pupil, each click a new batch;
- whole class: a skill for the whole class (one bulk write);
- a trivial signed-in page (the password-change form) in the same run, for comparison.

Reports the median and 95th percentile in milliseconds. The target is under 50 ms a round trip.

Needs ``DATABASE_URL`` naming a PostgreSQL server whose role may create databases; without it
the script says so and exits 0 (``make benchmark`` runs every script here).
Run: ``DATABASE_URL=postgres://root@127.0.0.1:5432/root .venv/bin/python
benchmarks/award_points.py [--rounds 200]``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

if not os.environ.get("DATABASE_URL"):
    print("SKIP award_points: set DATABASE_URL to a PostgreSQL server to run this benchmark.")
    sys.exit(0)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dojo_portal.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
    teardown_test_environment,
)
from django.urls import reverse  # noqa: E402

from classes.models import Pupil, SchoolClass  # noqa: E402
from classes.selectors import teachers_by_class  # noqa: E402
from demo.seed import seed_demo  # noqa: E402
from points.models import Award, Skill  # noqa: E402

HTMX = {"HX-Request": "true"}


def timed(rounds: int, call: Callable[[], int]) -> list[float]:
    """Milliseconds of each of ``rounds`` calls; every call must answer 200."""
    times = []
    for _round in range(rounds):
        start = time.perf_counter()
        status = call()
        times.append((time.perf_counter() - start) * 1000)
        assert status == 200, status
    return times


def report(label: str, times: list[float]) -> None:
    p95 = statistics.quantiles(times, n=20)[-1]
    print(f"{label:<32} median {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms")


def run(rounds: int) -> None:
    started = time.perf_counter()
    seed_demo(scale=3)
    print(f"demo school at scale 3 built in {time.perf_counter() - started:.1f} s")
    school_class = SchoolClass.objects.filter(pupils__isnull=False).distinct().order_by("pk")[0]
    teacher = teachers_by_class({school_class.pk})[school_class.pk][0]
    pupils = list(Pupil.objects.current().filter(school_class=school_class))
    skill = Skill.objects.get(name="Resilience", school_class=None)
    print(
        f"{SchoolClass.objects.count()} classes, {Pupil.objects.count()} pupils, "
        f"{Award.objects.count()} awards; class {school_class.name}: {len(pupils)} pupils"
    )
    client = Client()
    client.force_login(teacher)
    url = reverse("points_award", args=[school_class.pk])
    client.get(reverse("points_class", args=[school_class.pk]))  # warm up

    turns = itertools.cycle(pupils)

    def one_pupil() -> int:
        pupil = next(turns)
        data = {"skill": skill.pk, "pupils": [pupil.pk], "batch": str(uuid.uuid4())}
        return client.post(url, data, headers=HTMX).status_code

    def whole_class() -> int:
        data = {"skill": skill.pk, "whole_class": "on", "batch": str(uuid.uuid4())}
        return client.post(url, data, headers=HTMX).status_code

    def trivial() -> int:
        return client.get(reverse("account_change_password")).status_code

    report("award, one pupil (htmx)", timed(rounds, one_pupil))
    report(f"award, whole class of {len(pupils)} (htmx)", timed(rounds, whole_class))
    report("trivial signed-in page", timed(rounds, trivial))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("award_points: DATABASE_URL must name a PostgreSQL database.", file=sys.stderr)
        return 2
    if not settings.DEBUG:
        # Production settings serve hashed static names from the manifest: build it first
        # (into this run's own var/ folder).
        call_command("collectstatic", "--noinput", verbosity=0)
    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        print(f"PostgreSQL, throwaway database {connection.settings_dict['NAME']}")
        print(f"DEBUG {'on (test settings)' if settings.DEBUG else 'off (production settings)'}")
        run(args.rounds)
    finally:
        teardown_databases(databases, verbosity=0)
        teardown_test_environment()
    return 0


if __name__ == "__main__":
    sys.exit(main())
