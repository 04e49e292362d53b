"""The demo's posts before they are written: a draft per post, with who has read and liked it.

:class:`ClassStories` drafts one class's term (its teacher's Class Story posts, a few Student
Story posts); :func:`reminder_drafts` a weekly reminder with the posts it has made so far.
:mod:`.stories` decides what to draft and writes the drafts.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import User
from classes.models import SchoolClass
from consent.selectors import MediaVerdict
from stories.models import Audience, Post, Reminder
from stories.services.reminders import next_occurrence

from .story_texts import CLASS_TOPICS, STUDENT_TOPICS, Topic, WeeklyReminder

CLASS_POSTS_PER_WEEK = 2
STUDENT_POSTS_PER_CLASS = 3
PHOTO_SHARE = 1 / 3
LANGUAGE = "en-gb"


@dataclass
class Draft:
    """A post to write, with what hangs off it once it has an id."""

    post: Post
    scenes: list[str] = field(default_factory=list)
    tagged: list[int] = field(default_factory=list)
    seen: dict[int, datetime] = field(default_factory=dict)  # parent id → when
    liked: list[int] = field(default_factory=list)


@dataclass
class Term:
    """The weeks the demo's posts fall in, and who reads them."""

    tz: ZoneInfo
    days: list[date]
    end: datetime  # the start of today: nothing is posted or seen after it
    parents_of_class: dict[int, set[int]]
    parents_of_pupil: dict[int, set[int]]

    def at(self, rng: random.Random, day: date, *, afternoon: bool = True) -> datetime:
        hour = rng.randint(14, 16) if afternoon else rng.randint(9, 12)
        return datetime.combine(day, time(hour, rng.randint(0, 59)), tzinfo=self.tz)


def add_readers(
    draft: Draft,
    readers: set[int],
    term: Term,
    rng: random.Random,
    *,
    likes: float = 0.0,
) -> None:
    """Most of the audience's parents have seen the post (fewer of the newest, and of the
    reminders); some liked it (``likes``: the chance that a reader did)."""
    published = draft.post.published_at
    assert published is not None
    fresh = (term.end - published) < timedelta(days=3)
    share = rng.uniform(0.2, 0.5) if fresh or draft.post.reminder else rng.uniform(0.55, 0.9)
    for parent_id in rng.sample(sorted(readers), k=round(len(readers) * share)):
        seen_at = published + timedelta(minutes=rng.randint(5, 3 * 24 * 60))
        draft.seen[parent_id] = min(seen_at, term.end)
        if rng.random() < likes:
            draft.liked.append(parent_id)
    draft.post.like_count = len(draft.liked)


def _names(pupils: list[MediaVerdict]) -> str:
    """Display names as a list in a sentence: “Amir Kh., Zara and Leo”."""
    shown = [p.display_name for p in pupils]
    return " and ".join([", ".join(shown[:-1]), shown[-1]] if len(shown) > 1 else shown)


def new_post(audience: str, author: User, text: str, at: datetime, **where: object) -> Post:
    """A post published at ``at`` in the demo's language; ``where`` is its class or pupil."""
    return Post(
        audience=audience,
        author=author,
        body=text,
        language=LANGUAGE,
        publish_at=at,
        published_at=at,
        created_at=at,
        **where,
    )


@dataclass
class ClassStories:
    """The stories of one class: its teacher's posts about it and its pupils (R15)."""

    school_class: SchoolClass
    teacher: User
    pupils: list[MediaVerdict]  # current pupils, with display names and consent
    surnames: dict[int, str]
    term: Term
    rng: random.Random
    featured: int | None = None  # the demo pupil: a recent Student Story post with a photo
    recent: list[Topic] = field(default_factory=list)

    def topic(self, candidates: list[Topic]) -> Topic:
        """One of ``candidates``, not one of the last few used if there is another."""
        chosen = self.rng.choice([t for t in candidates if t not in self.recent] or candidates)
        self.recent = [chosen, *self.recent][:6]
        return chosen

    def nameable(self, *, with_consent: bool) -> list[MediaVerdict]:
        """Pupils whose display name shows no whole surname (R7); with consent, if asked."""
        return [
            p
            for p in self.pupils
            if self.surnames[p.pupil_id] not in p.display_name
            and (p.may_appear or not with_consent)
        ]

    def class_post(self, day: date, photo: bool) -> Draft:
        rng = self.rng
        pool = self.nameable(with_consent=photo)
        topic = self.topic(
            [t for t in CLASS_TOPICS if (t.scene or not photo) and (pool or "{" not in t.text)]
        )
        named = rng.sample(pool, k=min(rng.randint(2, 3), len(pool))) if "{" in topic.text else []
        text = topic.text.format(names=_names(named))
        at = self.term.at(rng, day, afternoon=rng.random() < 0.7)
        draft = Draft(
            new_post(Audience.CLASS, self.teacher, text, at, school_class=self.school_class)
        )
        if photo:
            draft.scenes = [topic.scene or ""]
            draft.tagged = [p.pupil_id for p in named]
            draft.post.no_child_appears = not named
        parents = self.term.parents_of_class[self.school_class.pk]
        add_readers(draft, parents, self.term, rng, likes=0.25)
        return draft

    def student_post(self, day: date, pupil: MediaVerdict) -> Draft:
        """A post about one pupil; with a picture of them only if they may appear (R12)."""
        rng = self.rng
        photo = pupil.may_appear and (pupil.pupil_id == self.featured or rng.random() < 0.5)
        topic = self.topic([t for t in STUDENT_TOPICS if t.scene or not photo])
        text = topic.text.format(name=pupil.display_name)
        at = self.term.at(rng, day)
        draft = Draft(
            new_post(
                Audience.STUDENT,
                self.teacher,
                text,
                at,
                school_class=self.school_class,
                pupil_id=pupil.pupil_id,
            )
        )
        if photo:
            draft.scenes, draft.tagged = [topic.scene or ""], [pupil.pupil_id]
        add_readers(draft, self.term.parents_of_pupil[pupil.pupil_id], self.term, rng, likes=0.8)
        return draft

    def drafts(self) -> list[Draft]:
        """Two posts a week (on two of its school days), then a few Student Story posts."""
        rng, drafts = self.rng, []
        by_week: dict[tuple[int, int], list[date]] = defaultdict(list)
        for day in self.term.days:
            by_week[day.isocalendar()[:2]].append(day)
        for days in by_week.values():
            for day in sorted(rng.sample(days, k=min(CLASS_POSTS_PER_WEEK, len(days)))):
                drafts.append(self.class_post(day, photo=rng.random() < PHOTO_SHARE))
        pupils = self.nameable(with_consent=False)
        chosen = [p for p in pupils if p.pupil_id == self.featured]
        others = [p for p in pupils if p.pupil_id != self.featured]
        chosen += rng.sample(others, k=min(STUDENT_POSTS_PER_CLASS - len(chosen), len(others)))
        for pupil in chosen:
            recent = pupil.pupil_id == self.featured
            day = self.term.days[-1] if recent else rng.choice(self.term.days)
            drafts.append(self.student_post(day, pupil))
        return drafts


def reminder_drafts(
    weekly: WeeklyReminder, author: User, term: Term, school_class: SchoolClass | None = None
) -> tuple[Reminder, list[Draft]]:
    """A weekly reminder that has posted every week of the term so far, with those posts, and
    its next time as the scheduler would set it."""
    first = datetime.combine(term.days[0], time(0), tzinfo=term.tz)
    occurrences, at = [], next_occurrence(weekly.weekday, weekly.time_of_day, term.tz, after=first)
    while at < term.end:
        occurrences.append(at)
        at = next_occurrence(weekly.weekday, weekly.time_of_day, term.tz, after=at)
    after = max([timezone.now(), first, *occurrences])
    audience = Audience.CLASS if school_class else Audience.SCHOOL
    reminder = Reminder(
        author=author,
        audience=audience,
        school_class=school_class,
        body=weekly.text,
        language=LANGUAGE,
        weekday=weekly.weekday,
        time_of_day=weekly.time_of_day,
        next_at=next_occurrence(weekly.weekday, weekly.time_of_day, term.tz, after=after),
        created_at=first,
    )
    drafts = []
    for at in occurrences:
        post = new_post(audience, author, weekly.text, at, school_class=school_class)
        post.reminder, post.occurrence = reminder, at
        drafts.append(Draft(post))
    return reminder, drafts
