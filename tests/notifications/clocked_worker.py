"""A real Celery worker whose clock starts at a chosen moment and runs on at the normal pace
(time-machine with ``tick=True``), so that a test on a fixed date can share its database with a
real worker process: ``python -m tests.notifications.clocked_worker ISO-MOMENT celery-args...``.

Nothing else about the worker changes: it is ``celery -A dojo_portal worker`` in this process.
"""

from __future__ import annotations

import datetime as dt
import sys

import time_machine


def main() -> None:
    moment = dt.datetime.fromisoformat(sys.argv[1])
    time_machine.travel(moment, tick=True).start()  # for the life of the process
    from celery.bin.celery import main as celery

    sys.argv = ["celery", *sys.argv[2:]]
    celery()


if __name__ == "__main__":
    main()
