"""The office's own words (R22): ``OfficePhrase`` rows that the office edits in the admin, as
rules on top of the routing model. A phrase matches as whole words, whatever the case, and
also in its plural ("dinner" matches "Dinners" but not "dinnertime"); a message that contains
one is offered to the office under its topic, whatever the model says."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..models import OfficePhrase, Topic

# The order in which topics are offered, and the first office topic names the office thread.
ORDER = [t for t in Topic if t != Topic.OTHER]


def _pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for a topic's phrases: each as whole words (any run of spaces between
    them), optionally plural."""
    parts = [r"\s+".join(re.escape(word) for word in p.split()) for p in phrases if p.split()]
    if not parts:
        return None
    alternatives = "|".join(sorted(parts, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?:e?s)?(?!\w)", re.IGNORECASE)


def office_matches(*texts: str) -> dict[Topic, str]:
    """For each topic whose words appear in one of ``texts`` (in ``ORDER``), the words as the
    message has them. One query (the office's word list)."""
    by_topic: dict[str, list[str]] = {}
    for topic, phrase in OfficePhrase.objects.values_list("topic", "phrase"):
        by_topic.setdefault(topic, []).append(phrase)
    found: dict[Topic, str] = {}
    for topic in ORDER:
        pattern = _pattern(by_topic.get(topic, []))
        match = next((m for t in texts if pattern and (m := pattern.search(t))), None)
        if match is not None:
            found[topic] = match.group(0)
    return found


def office_topics(text: str) -> list[Topic]:
    """The topics whose words appear in ``text``, in ``ORDER``; empty when the office's list
    has none of its words."""
    return list(office_matches(text))
