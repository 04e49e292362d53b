"""One policy for tests that need something the machine may lack (Chromium, axe-core, PostgreSQL,
Redis): skip with the reason on a developer's machine, fail in CI.

CI sets ``DOJO_REQUIRE_ALL=1``, so a missing tool there is a failure, never a silent skip.
"""

from __future__ import annotations

import os

import pytest


def require_all() -> bool:
    """True when every optional tool must be present (``DOJO_REQUIRE_ALL=1``, as in CI)."""
    return os.environ.get("DOJO_REQUIRE_ALL", "").strip().lower() in {"1", "true", "yes", "on"}


def require_or_skip(condition: bool, reason: str) -> None:
    """Return when ``condition`` holds; otherwise skip with ``reason``, or fail under
    ``DOJO_REQUIRE_ALL=1``."""
    if condition:
        return
    if require_all():
        pytest.fail(f"{reason} (DOJO_REQUIRE_ALL=1 makes this a failure)", pytrace=False)
    pytest.skip(reason)
