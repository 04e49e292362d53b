"""How well routing does on messages it was not trained on (R22): precision and recall for
each category, and for "offer the office" (any office category) as a whole; "offer a
meeting" is the progress row."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .categories import CATEGORIES, OFFICE, PROGRESS, TEACHER

OFFICE_ROW = "office (any office category)"


@dataclass(frozen=True)
class Figures:
    name: str
    support: int  # messages that truly are this
    predicted: int  # messages routed as this
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.support if self.support else 1.0


def _figures(name: str, pairs: list[tuple[str, list[str]]], hit: Callable[[str], bool]) -> Figures:
    truly = [hit(truth) for truth, _found in pairs]
    routed = [any(hit(category) for category in found) for _truth, found in pairs]
    correct = sum(t and r for t, r in zip(truly, routed, strict=True))
    return Figures(name, sum(truly), sum(routed), correct)


@dataclass(frozen=True)
class Report:
    rows: list[Figures]

    def row(self, name: str) -> Figures:
        return next(row for row in self.rows if row.name == name)

    @property
    def office(self) -> Figures:
        return self.row(OFFICE_ROW)

    @property
    def progress(self) -> Figures:
        return self.row(PROGRESS)

    def table(self) -> str:
        """The figures as a Markdown table."""
        lines = [
            "| category | messages | routed there | precision | recall |",
            "|---|--:|--:|--:|--:|",
        ]
        lines += [
            f"| {r.name} | {r.support} | {r.predicted} | {r.precision:.2f} | {r.recall:.2f} |"
            for r in self.rows
        ]
        return "\n".join(lines)


def evaluate(examples: Iterable[tuple[str, str]], route: Callable[[str], list[str]]) -> Report:
    """The report for ``examples`` (category, text) routed by ``route`` (text → the categories
    it reads like; "teacher" when none)."""
    pairs = [(truth, route(text) or [TEACHER]) for truth, text in examples]
    rows = [_figures(c, pairs, c.__eq__) for c in CATEGORIES]
    rows.append(_figures(OFFICE_ROW, pairs, lambda found: found in OFFICE))
    return Report(rows)
