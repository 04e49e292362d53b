"""``manage.py retention_run``: run the nightly retention job now (R28), or with ``--dry-run``
see how much it would erase. The beat schedule runs it every night; this is for the office's
questions and for a server without a worker."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand

from privacy.retention import retention_due, retention_run


def format_counts(counts: dict[str, Any]) -> str:
    return ", ".join(f"{name.replace('_', ' ')}: {value}" for name, value in counts.items())


class Command(BaseCommand):
    help = "Erase leavers' data, old messages and childless parents' accounts past retention."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count what is due; change nothing.",
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        if dry_run:
            self.stdout.write("Due now: " + format_counts(retention_due()))
            return
        counts = retention_run()
        self.stdout.write("Erased: " + format_counts(asdict(counts)))
