"""``manage.py seed_demo``: build the demo school (see :mod:`demo`)."""

from __future__ import annotations

import argparse
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from classes.models import Pupil
from demo.seed import SeedReport, seed_demo
from demo.signins import format_sign_ins

ALREADY_SEEDED = "The database already has pupils: nothing seeded (--if-empty)."
NOT_IN_PRODUCTION = (
    "Refused: DJANGO_DEBUG is off, so this looks like a school's real portal, and the demo's "
    "people share a published password. For a demo or benchmark server, add --allow-production."
)
NOTHING_CREATED = "The demo school is already in place: nothing created."


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {value!r}")
    return number


SINGULAR = {"classes": "class", "codes of conduct": "code of conduct"}


def format_report(report: SeedReport, seconds: float) -> str:
    """One line: how many rows of each kind this run created, and how long it took."""
    if not report.created_anything:
        return NOTHING_CREATED
    made = ", ".join(
        f"{count} {SINGULAR.get(what, what.removesuffix('s')) if count == 1 else what}"
        for what, count in report.created.items()
        if count
    )
    return f"Created {made} in {seconds:.1f} s."


class Command(BaseCommand):
    help = (
        "Build the demo school: about 14 classes, 420 pupils, 700 parent links and 40 staff, "
        "with one sign-in per role printed at the end. Safe to run again: it creates only "
        "what is missing. For demos and benchmarks, never on a school's real database."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--scale",
            type=positive_int,
            default=1,
            help="Copies of the school to build (classes, pupils, parents and staff), for "
            "benchmarks. Default 1.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database has any pupil (what `make run` uses).",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DJANGO_DEBUG off (a demo or benchmark server, never a school's).",
        )

    def handle(
        self, *args: Any, scale: int, if_empty: bool, allow_production: bool, **options: Any
    ) -> None:
        if if_empty and Pupil.objects.exists():
            self.stdout.write(ALREADY_SEEDED)
            return
        if not settings.DEBUG and not allow_production:
            raise CommandError(NOT_IN_PRODUCTION)
        started = time.monotonic()
        report = seed_demo(scale=scale)
        self.stdout.write(format_report(report, time.monotonic() - started))
        self.stdout.write("")
        self.stdout.write(format_sign_ins(settings.SITE_URL, invite=report.invite))
