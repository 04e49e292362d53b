"""R22: before a parent's message goes to a teacher, it is checked for what belongs to the
office (absence, sickness, school dinners, complaints, urgent matters such as collecting a
child) and for questions about progress, which need a meeting. The words are ``OfficePhrase``
rows that the office edits in the admin; a phrase matches as whole words, whatever the case,
and also in its plural ("dinner" matches "Dinners" but not "dinnertime")."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from classes.selectors import school_get

from .models import OfficePhrase, Topic

OFFICE_MATTER = _(
    # Translators: %(topics)s is a list of the office's topics, such as "Absence, Dinners".
    "This looks like a matter for the school office (%(topics)s). Teachers do not answer "
    "those: please send it to the office inbox instead, or phone the school office on %(phone)s."
)
# The same, for a school that has not entered its office phone.
OFFICE_MATTER_NO_PHONE = _(
    "This looks like a matter for the school office (%(topics)s). Teachers do not answer "
    "those: please send it to the office inbox instead, or phone the school office."
)
PROGRESS_MATTER = _(
    "Questions about a child's progress need a meeting rather than messages: ask for a "
    "meeting and the school office will arrange a time with the teacher."
)

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


def office_topics(text: str) -> list[Topic]:
    """The topics whose words appear in ``text``, in ``ORDER``; empty when the message is for
    the teacher. One query (the office's word list)."""
    by_topic: dict[str, list[str]] = {}
    for topic, phrase in OfficePhrase.objects.values_list("topic", "phrase"):
        by_topic.setdefault(topic, []).append(phrase)
    found: list[Topic] = []
    for topic in ORDER:
        pattern = _pattern(by_topic.get(topic, []))
        if pattern is not None and pattern.search(text):
            found.append(topic)
    return found


@dataclass(frozen=True)
class Offer:
    """What a parent is shown before a message that looks like the office's goes to a teacher:
    why, and the choices (the office inbox, a meeting for progress, or the teacher anyway)."""

    topics: list[Topic]

    @property
    def office_topics(self) -> list[Topic]:
        return [t for t in self.topics if t != Topic.PROGRESS]

    @property
    def office(self) -> bool:
        """Offer the office inbox: something other than progress matched."""
        return bool(self.office_topics)

    @property
    def meeting(self) -> bool:
        """Offer a meeting: the message asks about progress."""
        return Topic.PROGRESS in self.topics

    @property
    def topic(self) -> Topic:
        """The topic an office thread is filed under when the parent sends it there."""
        return self.office_topics[0] if self.office_topics else Topic.PROGRESS

    def reasons(self) -> list[str]:
        """Why the parent is asked, one sentence per kind of matter, with the office phone."""
        reasons = []
        if self.office:
            phone = school_get().office_phone
            labels = ", ".join(str(Topic(t).label) for t in self.office_topics)
            matter = OFFICE_MATTER if phone else OFFICE_MATTER_NO_PHONE
            reasons.append(str(matter % {"topics": labels, "phone": phone}))
        if self.meeting:
            reasons.append(str(PROGRESS_MATTER))
        return reasons


def offer_for(text: str) -> Offer | None:
    """The offer to show a parent before sending ``text`` to a teacher, or None to send it."""
    topics = office_topics(text)
    return Offer(topics=topics) if topics else None
