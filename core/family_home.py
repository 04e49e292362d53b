"""A parent's home page: the news of all their children, and a card per child.

``core`` imports no domain app, and what the page shows belongs to several: a child's monster
and points (points), whom to message about them (messaging), the news (stories), and the
children themselves (accounts). Each app registers what it adds when it loads
(``card_part_register`` / ``section_register`` in its ``AppConfig.ready``, as ``core.today``
does for the office's page), and the parent's home view asks ``family_home``.

A provider is given the parent and their children (each with ``pupil`` and ``display_name``,
as ``accounts.selectors.people.children_of`` returns them) and answers for all the children at
once, in a fixed number of queries, so the page costs the same at one child or four.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class HomePart:
    """Something the page shows: a template and what it needs (``part`` in the template)."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


# (parent, children) → a part for each child it has one for, by the child's pupil id.
CardProvider = Callable[[Any, Sequence[Any]], Mapping[int, HomePart]]
# (parent, children) → one part of the page below the cards, or None.
SectionProvider = Callable[[Any, Sequence[Any]], HomePart | None]

_CARD_PROVIDERS: list[tuple[int, CardProvider]] = []
_SECTION_PROVIDERS: list[tuple[int, SectionProvider]] = []


@dataclass(frozen=True)
class FamilyHome:
    """Each child's card parts (by pupil id, in order) and the page's sections, in order."""

    cards: dict[int, list[HomePart]]
    sections: list[HomePart]


def card_part_register(provider: CardProvider, *, order: int) -> CardProvider:
    """Add ``provider`` to every child's card, once, at ``order`` (lower comes first)."""
    if all(known is not provider for _order, known in _CARD_PROVIDERS):
        _CARD_PROVIDERS.append((order, provider))
        _CARD_PROVIDERS.sort(key=lambda entry: entry[0])
    return provider


def section_register(provider: SectionProvider, *, order: int) -> SectionProvider:
    """Add ``provider`` to the page below the cards, once, at ``order`` (lower comes first)."""
    if all(known is not provider for _order, known in _SECTION_PROVIDERS):
        _SECTION_PROVIDERS.append((order, provider))
        _SECTION_PROVIDERS.sort(key=lambda entry: entry[0])
    return provider


def family_home(parent: Any, children: Sequence[Any]) -> FamilyHome:
    """What every registered app adds to ``parent``'s home for ``children``."""
    cards: dict[int, list[HomePart]] = {child.pupil.pk: [] for child in children}
    if children:
        for _order, provider in _CARD_PROVIDERS:
            parts = provider(parent, children)
            for pupil_id, part in parts.items():
                cards.setdefault(pupil_id, []).append(part)
    sections = [
        section
        for _order, provider in _SECTION_PROVIDERS
        if (section := provider(parent, children)) is not None
    ]
    return FamilyHome(cards=cards, sections=sections)
