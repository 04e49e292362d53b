"""The translation engine's line in ``/healthz`` (``HEALTH_CHECKS``)."""

from __future__ import annotations

from core.health import Check

from . import engine_state


def translation_check() -> Check:
    """The configured engine lists its language pairs in time; ``off`` when none is set up."""
    answers, detail = engine_state()
    if answers is None:
        return Check("translation", "off", detail)
    return Check("translation", "ok" if answers else "down", detail)
