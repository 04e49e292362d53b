"""The office's "today" page, the admin's index: what waits this morning, with counts and links
to the admin's lists filtered to those rows.

``core`` imports no domain app, and the things that wait belong to several (accounts,
messaging, privacy): each app registers its own items when it loads
(``today_register`` in its ``AppConfig.ready``), and the admin's index asks ``today_items``.
An item is one COUNT query, so the page costs one query per item whatever the data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TodayItem:
    """One thing that waits: what it is, how many, and the filtered list that shows them."""

    label: str
    count: int
    url: str


# Given the person looking, an item, or None when it is not theirs to see.
TodayProvider = Callable[[Any], TodayItem | None]
_PROVIDERS: list[TodayProvider] = []


def today_register(provider: TodayProvider) -> TodayProvider:
    """Add ``provider`` to the page, once (apps may load again in tests)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def today_items(user: Any) -> list[TodayItem]:
    """Every item ``user`` may see, in the order the apps registered them."""
    return [item for provider in _PROVIDERS if (item := provider(user)) is not None]
