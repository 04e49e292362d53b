"""Keeping PostgreSQL's planner statistics true after a bulk write (issue: a seeded or imported
database whose statistics are empty plans an anti-join on a few rows as a sequential scan).

Autovacuum analyses a table once enough of it has changed, but only some time later, and not at
all where it is switched off; a bulk write (the demo seed, an import of pupils from the MIS, the
nightly retention job) therefore asks for ``ANALYZE`` itself, once its transaction has committed
(before that, what it wrote is not there for the statistics to count). Nothing happens on SQLite,
whose planner needs no such statistics for the portal's queries.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import DatabaseError, connections, models, router, transaction

logger = logging.getLogger(__name__)


def analyze_on_commit(tables: Iterable[type[models.Model]] | None = None) -> None:
    """Run ``ANALYZE`` on the tables of ``tables`` (every table of the database when None) once
    the current transaction commits, or now outside one. A failure (a role that does not own
    the tables) is logged, never raised: the data is written already, only the plans wait for
    autovacuum."""
    chosen = list(tables) if tables is not None else None
    alias = router.db_for_write(chosen[0]) if chosen else "default"
    alias = alias or "default"
    transaction.on_commit(lambda: analyze(chosen, using=alias), using=alias)


def analyze(tables: list[type[models.Model]] | None, *, using: str = "default") -> None:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    names = sorted({model._meta.db_table for model in tables or []})
    if tables is not None and not names:
        return
    statement = "ANALYZE " + ", ".join(connection.ops.quote_name(n) for n in names)
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement.rstrip())
    except DatabaseError:
        logger.exception("could not refresh the planner's statistics (%s)", statement)
