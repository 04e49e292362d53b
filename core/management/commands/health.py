"""``manage.py health [part ...]``: the report of ``/healthz``, for a probe without HTTP.

Prints the report as JSON and exits 0 when the parts named (every part when none is) are not
down, 1 otherwise. docker-compose.yml's beat service uses ``manage.py health beat``: beat has no
HTTP port, and the report tells whether it sent a task lately.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.health import health_report

UNKNOWN = "No part named {names}: the parts are {parts}."


class Command(BaseCommand):
    help = "Print the health report (as /healthz does); exit 1 when a part named is down."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("parts", nargs="*", help="Parts to require (default: all).")

    def handle(self, *args: Any, **options: Any) -> None:
        report = health_report()
        names = [check.name for check in report.checks]
        wanted = options["parts"] or names
        unknown = sorted(set(wanted) - set(names))
        if unknown:
            raise CommandError(UNKNOWN.format(names=", ".join(unknown), parts=", ".join(names)))
        self.stdout.write(json.dumps(report.as_json(), indent=2))
        down = [
            check.name for check in report.checks if check.name in wanted and check.state == "down"
        ]
        if down:
            raise CommandError(f"Down: {', '.join(down)}.", returncode=1)
