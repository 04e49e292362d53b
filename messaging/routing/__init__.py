"""R22: before a parent's message goes to a teacher, it is checked for what belongs to the
office (absence, medical appointments, sickness, school dinners, complaints, urgent matters
such as collecting a child) and for questions about progress, which need a meeting.

Two things decide, and either is enough to ask the parent first:

- the routing model (``classifier``), a linear model on word and character n-grams trained
  from the corpus beside this module (``manage.py train_routing``), reads the message, in its
  English translation when the parent writes in another language (the portal's translation
  service, R17; without one, only the office's words apply);
- the office's own words (``rules``), which the office edits in the admin, match the message
  as written and its English translation.

The parent is told why, in their own language, and may still send it to the teacher."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from classes.selectors import school_get
from core.bidi import isolate, needs_isolation
from translation import translate
from translation.backends import base_language

from ..models import Topic
from .categories import (
    ABSENCE,
    APPOINTMENT,
    CATEGORY_OF,
    COMPLAINT,
    DINNERS,
    PROGRESS,
    SICKNESS,
    TEACHER,
    TOPIC_OF,
    URGENT,
)
from .classifier import Model, classify
from .rules import ORDER, office_matches, office_topics

__all__ = ["OFFICE_MATTER", "PROGRESS_MATTER", "WHY", "Offer", "offer_for", "office_topics"]

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

# Why the parent is asked: what the message reads like, and why that is the office's.
WHY = {
    ABSENCE: _("This looks like an absence: the office records absences."),
    APPOINTMENT: _(
        "This looks like a medical appointment: the office records absences for appointments."
    ),
    SICKNESS: _("This looks like illness: the office records children who are off sick."),
    DINNERS: _(
        "This looks like a question about school dinners: the office looks after meals and "
        "dinner money."
    ),
    COMPLAINT: _(
        "This looks like a complaint: the office makes sure a complaint reaches the right "
        "person and is answered."
    ),
    URGENT: _(
        "This looks urgent, such as who collects a child: the office makes sure the class "
        "hears in time."
    ),
    PROGRESS: _("This looks like a question about how your child is doing at school."),
}
WORDS_WHY = _(
    # Translators: %(words)s are the parent's own words; %(topic)s is an office topic.
    "It mentions “%(words)s”, which the school office asks to see (%(topic)s)."
)


@dataclass(frozen=True)
class Offer:
    """What a parent is shown before a message that looks like the office's goes to a teacher:
    why, and the choices (the office inbox, a meeting for progress, or the teacher anyway).
    ``category`` is what the routing model read ("" when it read nothing for the office);
    ``words`` the office's words found, by topic."""

    topics: list[Topic]
    category: str = ""
    words: dict[Topic, str] = field(default_factory=dict)

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
        """The topic an office thread is filed under when the parent sends it there: the
        model's, else the first of the office's words."""
        model_topic = TOPIC_OF.get(self.category)
        if model_topic in self.office_topics:
            return model_topic
        return self.office_topics[0] if self.office_topics else Topic.PROGRESS

    @property
    def categories(self) -> list[str]:
        """What the message reads like: the model's category, then those of the office's
        words on other topics."""
        found = [self.category] if self.category else []
        covered = {TOPIC_OF[self.category]} if self.category else set()
        return found + [CATEGORY_OF[t] for t in self.words if t not in covered]

    def reasons(self) -> list[str]:
        """Why the parent is asked, and what to do: one sentence for what the model read, one
        for each topic of the office's words it did not, then the office's and the meeting's
        way (with the office phone)."""
        reasons = [str(WHY[self.category])] if self.category else []
        covered = TOPIC_OF.get(self.category)
        for topic, words in self.words.items():
            if topic != covered:
                shown = isolate(words) if needs_isolation(words) else words
                label = str(Topic(topic).label)
                reasons.append(str(WORDS_WHY % {"words": shown, "topic": label}))
        if self.office:
            phone = school_get().office_phone
            labels = ", ".join(str(Topic(t).label) for t in self.office_topics)
            matter = OFFICE_MATTER if phone else OFFICE_MATTER_NO_PHONE
            reasons.append(str(matter % {"topics": labels, "phone": phone}))
        if self.meeting:
            reasons.append(str(PROGRESS_MATTER))
        return reasons


def english_of(text: str, language: str) -> str | None:
    """``text`` in English: itself when written in English, else the translation service's
    English (cached, so the worker's translation for an English-reading teacher reuses it);
    None when no translation can be had."""
    if not language or base_language(language) == "en":
        return text
    return translate(text, source=language, target="en")


def offer_for(text: str, *, language: str = "", using: Model | None = None) -> Offer | None:
    """The offer to show a parent before sending ``text``, written in ``language`` (the
    parent's; "" or English for English), to a teacher; None to send it. ``using``: another
    model than the shipped one (to measure a model just trained)."""
    english = english_of(text, language)
    category = classify(english, using) if english is not None else TEACHER
    words = office_matches(*dict.fromkeys(t for t in (text, english) if t))
    model_topic = TOPIC_OF.get(category)
    topics: list[Topic] = [t for t in ORDER if t == model_topic or t in words]
    if not topics:
        return None
    return Offer(topics=topics, category="" if category == TEACHER else category, words=words)
