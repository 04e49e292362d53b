"""After a bulk write the planner's statistics are refreshed (PostgreSQL): a seeded database
plans its queries on real row counts, not on empty statistics."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection

from core.statistics import analyze, analyze_on_commit
from demo.seed import seed_demo
from tests.clock import at
from tests.requirements import require_or_skip

# The tables the seed fills that the portal's hottest pages read.
FILLED = [
    "classes_pupil",
    "accounts_parentlink",
    "accounts_user",
    "consent_dataprocessingagreement",
    "stories_post",
    "points_award",
]


def _last_analyzed(tables: list[str]) -> dict[str, dt.datetime | None]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, last_analyze FROM pg_stat_user_tables WHERE relname = ANY(%s)",
            [tables],
        )
        return dict(cursor.fetchall())


# In the test's transaction (ANALYZE may run in one), not a transactional test: pytest-django
# runs those last in each worker, after they may have flushed what the migrations wrote (the
# school, its values), on which the seed builds.
@pytest.mark.django_db
def test_seed_demo_leaves_statistics_for_the_tables_it_filled(
    django_capture_on_commit_callbacks: Any,
) -> None:
    require_or_skip(connection.vendor == "postgresql", "needs PostgreSQL: its statistics")
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        (before,) = cursor.fetchone()
    cache.clear()

    with (
        at(dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.timezone.utc)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        seed_demo()

    analyzed = _last_analyzed(FILLED)
    assert sorted(analyzed) == sorted(FILLED)
    assert all(when is not None and when >= before for when in analyzed.values()), analyzed


@pytest.mark.django_db
def test_statistics_are_asked_of_postgresql_only(django_capture_on_commit_callbacks: Any) -> None:
    from django.test.utils import CaptureQueriesContext

    with (
        CaptureQueriesContext(connection) as ctx,
        django_capture_on_commit_callbacks(execute=True),
    ):
        analyze_on_commit()
        analyze([])  # no table named: nothing to do

    expected = ["ANALYZE"] if connection.vendor == "postgresql" else []  # SQLite: no query
    assert [q["sql"] for q in ctx.captured_queries] == expected


@pytest.mark.django_db
def test_statistics_wait_for_the_commit_of_what_was_written(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        analyze_on_commit()
    assert len(callbacks) == 1
