"""CI runs the embedded suite under Debian's ``faketime`` with the monotonic clock left real
(``--exclude-monotonic``, see docs/testing.md). libfaketime still rewrites the absolute
deadline of ``clock_nanosleep`` on that clock, and the kernel refuses it (``EINVAL``), so
Python's ``time.sleep`` fails there; ``select`` with a timeout sleeps correctly. Under that
run only, ``time.sleep`` sleeps through ``select``: the same wait, measured on the same clock."""

from __future__ import annotations

import os
import select
import time


def _select_sleep(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        select.select([], [], [], left)


def sleep_without_clock_nanosleep() -> None:
    if os.environ.get("FAKETIME_DONT_FAKE_MONOTONIC") == "1" and "faketime" in os.environ.get(
        "LD_PRELOAD", ""
    ):
        time.sleep = _select_sleep
