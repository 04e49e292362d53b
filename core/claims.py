"""Claims that die with their worker: short, and renewed while the work goes on.

A worker claims work in the database before doing it (an email, a push, a daily digest, a data
export), so two workers never both do it. A claim is short: one that nobody renewed for
:data:`CLAIM_TTL` was lost with its worker, and the sweep that beat runs every minute hands the
work out again. What a killed worker held therefore goes out within ``CLAIM_TTL`` plus one
sweep interval (45 s + 60 s): under two minutes.

While the work goes on, a thread of the process that holds the claim renews it every
:data:`RENEW_EVERY` seconds (:class:`ClaimKeeper`). The thread lives exactly as long as the
work in that process: a SIGKILL stops both, a slow mail server or push service stops neither,
so a live worker never loses its claim to another one.

Why this and not a claim tied to a worker's heartbeat: the claim's own time stamp already says
whether it is alive, so nothing else is needed: no table of workers, no worker name on every
claim, no heartbeat of idle workers, and the same rule for every kind of claim.

If renewing fails (the database does not answer this worker), :attr:`ClaimKeeper.held` turns
false ``CLAIM_TTL - RENEW_EVERY`` after the last renewal that worked, before anyone may take the
claim over: the worker then starts no further send and leaves the rest to the sweep. Workers'
clocks are assumed to agree within a few seconds (one server, or NTP).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from types import TracebackType

from django.db import DatabaseError, connections
from django.db.models import Model, QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)

# A claim not renewed for this long was lost with its worker: the next sweep takes it over.
CLAIM_TTL = dt.timedelta(seconds=45)
# How often the worker holding a claim renews it (three chances within CLAIM_TTL).
RENEW_EVERY = 15.0

Renewal = Callable[[dt.datetime], object]


def stamp_renewal(claims: QuerySet[Model], field: str, stamp: dt.datetime) -> Renewal:
    """A renewal of the claims in ``claims`` stamped ``stamp`` in ``field``: each run moves the
    stamp of those still carrying it to the new time. A renewal whose answer was lost (the
    connection dropped after the database committed it) may have moved the stamp or not, so
    the next one accepts either."""
    stamps = [stamp]

    def renew(now: dt.datetime) -> None:
        nonlocal stamps
        try:
            claims.filter(**{f"{field}__in": stamps}).update(**{field: now})
        except DatabaseError:
            stamps = [*stamps, now]
            raise
        stamps = [now]

    return renew


class ClaimKeeper:
    """Renews a claim from a thread while the ``with`` block does the work."""

    def __init__(self, renew: Renewal, *, every: float = RENEW_EVERY) -> None:
        self.renew, self.every = renew, every
        self._renewed = time.monotonic()  # the claim was just made
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="claim-keeper", daemon=True)

    def __enter__(self) -> ClaimKeeper:
        self._renewed = time.monotonic()
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def held(self) -> bool:
        """True while nobody else can have taken the claim over: the last renewal that worked
        is younger than ``CLAIM_TTL`` less one renewal period."""
        limit = CLAIM_TTL.total_seconds() - self.every
        return time.monotonic() - self._renewed < limit

    def renew_now(self) -> bool:
        """Renew once (the thread does, every ``every`` seconds). False if it failed."""
        try:
            self.renew(timezone.now())
        except DatabaseError:
            logger.warning("could not renew a claim; will try again", exc_info=True)
            return False
        self._renewed = time.monotonic()
        return True

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.every):
                self.renew_now()
        finally:
            connections.close_all()  # this thread's own connections
