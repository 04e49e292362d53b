"""Benchmark: importing pupils from a CSV export (preview, then apply) on SQLite.

Builds the demo school (14 classes, 420 pupils) in a fresh SQLite database in a temporary
folder, then a CSV of ``--rows`` new pupils spread over the demo's classes — two thirds with one
or two parent emails, media consent mixed (yes, no, blank) — and times, as the office's pages
run them:

- preview: reading and checking the file (``pupil_import_plan``);
- apply: adding the pupils, their consent with history, two invite codes each, the import's
  record, and (Celery eager, as in the embedded default's worker) rendering and "sending" one
  email per parent address (to Django's in-memory mailbox);
- again: the preview of the same file once applied (every row "already here").

Run on one core: ``taskset -c 0 .venv/bin/python benchmarks/import_pupils.py [--rows 420]``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# The test settings: a temporary var/ folder (its own SQLite database) and Celery eager.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dojo_portal.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from classes.models import SchoolClass  # noqa: E402
from consent.imports import apply as apply_module  # noqa: E402
from consent.imports.apply import pupil_import_apply  # noqa: E402
from consent.imports.validate import ImportPlan, pupil_import_plan  # noqa: E402
from consent.tasks import send_import_invites  # noqa: E402
from demo.seed import seed_demo  # noqa: E402

HEADER = (
    "Legal forename",
    "Legal surname",
    "DOB",
    "Reg group",
    "Parent email(s)",
    "Photo consent",
)
FIRST = ("Ada", "Bilal", "Cora", "Dev", "Elif", "Finn", "Gita", "Hugo", "Iris", "Jude")
SURNAME = ("Ashdown", "Brightwater", "Calloway", "Dunmore", "Everly", "Fairholme", "Greystone")


def letters(number: int) -> str:
    """0 → "Aa", 1 → "Ab", …: a distinct surname part for each pupil (names have no digits)."""
    return "".join("abcdefghij"[int(digit)] for digit in str(number)).capitalize()


def build_csv(classes: list[SchoolClass], rows: int) -> bytes:
    """``rows`` generated pupils (never real people), as an MIS would export them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    born = dt.date(2015, 9, 1)
    for n in range(rows):
        emails = [f"carer{n}a@example.org", f"carer{n}b@example.org"][: n % 3]
        writer.writerow(
            (
                FIRST[n % len(FIRST)],
                f"{SURNAME[n % len(SURNAME)]}-{letters(n)}",
                (born + dt.timedelta(days=(n * 7) % 2200)).strftime("%d/%m/%Y"),
                classes[n % len(classes)].name,
                "; ".join(emails),
                ("Yes", "No", "")[n % 3],
            )
        )
    return out.getvalue().encode("utf-8-sig")


class QueryCounter:
    """Counts the queries run (``connection.execute_wrapper``), keeping none of them."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def timed(label: str, action: Callable[[], Any]) -> tuple[Any, float]:
    counter = QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = action()
    seconds = time.perf_counter() - started
    print(f"{label:<8} {seconds:6.2f} s  {counter.count:7,d} queries")
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=420)
    rows = parser.parse_args().rows
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    seed_demo()
    classes = list(SchoolClass.objects.order_by("year_group", "name"))
    office = User.objects.create_user(
        email="bench-office@example.org", role=Role.OFFICE, is_staff=True
    )
    data = build_csv(classes, rows)
    print(f"{rows} rows ({len(data) / 1024:.0f} KB), {len(classes)} classes, SQLite")
    queued: list[Any] = []
    # The web request only queues the emails; the worker sends them: timed apart below.
    apply_module.enqueue_on_commit = lambda task, *args: queued.append(args)

    def plan() -> ImportPlan:
        return pupil_import_plan(acting_user=office, data=data, file_name="bench.csv")

    checked, preview = timed("preview", plan)
    record, apply = timed("apply", lambda: pupil_import_apply(acting_user=office, plan=checked))
    _sent, emails = timed("emails", lambda: [send_import_invites(*args) for args in queued])
    timed("again", plan)
    print(
        f"total    {preview + apply + emails:6.2f} s  (preview + apply + emails): "
        f"{record.pupils_created:,} pupils, {record.consents_changed:,} consents, "
        f"{record.invites_created:,} codes, {len(mail.outbox):,} emails"
    )


if __name__ == "__main__":
    main()
