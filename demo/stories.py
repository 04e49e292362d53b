"""A term of stories for the demo school, written straight to the tables the stories app reads.

Each class gets about two Class Story posts a week by its teacher over the last ten weeks and a
few Student Story posts; the demo teacher's class (in every copy of the school) a weekly "PE
kit" reminder; the school a handful of School Story posts (one urgent) and a weekly reminder
from the head. About a third of the posts carry a picture drawn by :mod:`.pictures`. Parents
have had most posts on screen and liked some, so authors see their reach (R30).

A generator, not a user, but the rows keep the rules the services enforce: each story's
audience, published posts with a language, no surname of the audience in a text (R7, checked
here with the services' own check), media only with tagged pupils who have consent or "no child
appears", and a Student Story with media only about a pupil who has consent (R12).

The demo pupil (the demo parent's child) has a Student Story post with a photo on the last
school day. Made once per class (a class with any post is left as it is) and once for the
School Story. Each picture is re-encoded by ``media.photos.process_photo`` once per run;
every attachment then gets its own copy of the files, because deleting a post deletes its
files, and a shared file would vanish from the other posts.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from accounts.models import ParentLink, User
from classes.models import Pupil, SchoolClass
from classes.selectors import teachers_by_class
from consent.selectors import class_verdicts
from stories.models import Attachment, Audience, Like, Post, PostSeen, Reminder
from stories.text import check_no_surnames

from .extras import demo_pupil
from .people import DEMO_CLASS, LEADER_EMAIL, NEW_PARENT_EMAIL, OFFICE_EMAIL
from .pictures import PhotoStore
from .schoolyear import CLOSURES
from .story_drafts import ClassStories, Draft, Term, add_readers, new_post, reminder_drafts
from .story_texts import CLASS_REMINDER, SCHOOL_POSTS, SCHOOL_REMINDER

WEEKS = 10


def _school_days(today: date) -> list[date]:
    """Weekdays of the WEEKS weeks before ``today``, less the demo year's closures."""
    closed = {s + timedelta(days=n) for s, e, _r in CLOSURES for n in range((e - s).days + 1)}
    first = today - timedelta(weeks=WEEKS)
    days = (first + timedelta(days=n) for n in range((today - first).days))
    return [d for d in days if d.weekday() < 5 and d not in closed]


def _parents() -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """Parents by class and by pupil, of current pupils; the new parent, who has not accepted
    the code of conduct yet, has never read a post."""
    links = ParentLink.objects.filter(pupil__in=Pupil.objects.current())
    by_class: dict[int, set[int]] = defaultdict(set)
    by_pupil: dict[int, set[int]] = defaultdict(set)
    rows = links.exclude(parent__email=NEW_PARENT_EMAIL).values_list(
        "parent_id", "pupil_id", "pupil__school_class_id"
    )
    for parent_id, pupil_id, class_id in rows:
        by_class[class_id].add(parent_id)
        by_pupil[pupil_id].add(parent_id)
    return by_class, by_pupil


def _class_stories(
    term: Term, seed: int, classes: list[SchoolClass]
) -> tuple[list[Draft], list[Reminder]]:
    """Posts (and the demo class's reminder) of each class that has a teacher and pupils."""
    teachers = teachers_by_class({c.pk for c in classes})
    verdicts = class_verdicts([c.pk for c in classes])
    surnames = dict(
        Pupil.objects.current().filter(school_class__in=classes).values_list("pk", "surname")
    )
    featured = demo_pupil()
    drafts, reminders = [], []
    for school_class in classes:
        if not teachers.get(school_class.pk) or not verdicts.get(school_class.pk):
            continue
        rng = random.Random(f"{seed}:stories:{school_class.name}:{school_class.academic_year}")  # noqa: S311
        stories = ClassStories(
            school_class,
            teachers[school_class.pk][0],
            verdicts[school_class.pk],
            surnames,
            term,
            rng,
            featured=featured.pk if featured else None,
        )
        drafts += stories.drafts()
        if school_class.name.split(" ")[0] == DEMO_CLASS:  # in every copy of the school
            reminder, posts = reminder_drafts(CLASS_REMINDER, stories.teacher, term, school_class)
            for draft in posts:
                add_readers(draft, term.parents_of_class[school_class.pk], term, rng)
            reminders.append(reminder)
            drafts += posts
    return drafts, reminders


def _school_stories(term: Term, seed: int) -> tuple[list[Draft], list[Reminder]]:
    """The School Story's posts by the head and the office, and the head's weekly reminder;
    nothing when the demo's head or office is missing."""
    authors = {u.email: u for u in User.objects.filter(email__in=(LEADER_EMAIL, OFFICE_EMAIL))}
    if len(authors) < 2:
        return [], []
    rng = random.Random(f"{seed}:stories:school")  # noqa: S311
    everyone = set().union(*term.parents_of_class.values())
    drafts = []
    for item in SCHOOL_POSTS:
        day = term.days[min(len(term.days) - 1, round((1 - item.age) * len(term.days)))]
        author = authors[OFFICE_EMAIL if item.by_office else LEADER_EMAIL]
        draft = Draft(
            new_post(
                Audience.SCHOOL, author, item.text, term.at(rng, day, afternoon=not item.urgent)
            )
        )
        draft.post.urgent = item.urgent
        if item.scene:
            draft.scenes, draft.post.no_child_appears = [item.scene], True
        add_readers(draft, everyone, term, rng, likes=0.1)
        drafts.append(draft)
    reminder, posts = reminder_drafts(SCHOOL_REMINDER, authors[LEADER_EMAIL], term)
    for draft in posts:
        add_readers(draft, everyone, term, rng)
    return drafts + posts, [reminder]


def _audience(post: Post) -> tuple[str, int]:
    if post.audience == Audience.STUDENT:
        return Audience.STUDENT, post.pupil_id or 0
    if post.audience == Audience.CLASS:
        return Audience.CLASS, post.school_class_id or 0
    return Audience.SCHOOL, 0


def _check_names(drafts: list[Draft]) -> None:
    """R7 with the services' own check: no text contains a surname of its audience. The texts
    of one audience are checked together (one per line: the check matches whole words)."""
    pupils: dict[tuple[str, int], list[tuple[str, str]]] = defaultdict(list)
    rows = Pupil.objects.current().values_list("pk", "school_class_id", "first_name", "surname")
    for pk, class_id, first, surname in rows:
        keys: list[tuple[str, int]] = [
            (Audience.STUDENT, pk),
            (Audience.CLASS, class_id),
            (Audience.SCHOOL, 0),
        ]
        for key in keys:
            pupils[key].append((first, surname))
    texts: dict[tuple[str, int], list[str]] = defaultdict(list)
    for draft in drafts:
        texts[_audience(draft.post)].append(draft.post.body)
    for audience, bodies in texts.items():
        check_no_surnames("\n".join(bodies), pupils=pupils[audience])


def _write(drafts: list[Draft], reminders: list[Reminder], photos: PhotoStore) -> dict[str, int]:
    """Insert the reminders, posts, tags, attachments, likes and views in a few bulk writes."""
    Reminder.objects.bulk_create(reminders)
    Post.objects.bulk_create([d.post for d in drafts], batch_size=1000)
    Post.tagged.through.objects.bulk_create(
        [Post.tagged.through(post_id=d.post.pk, pupil_id=pk) for d in drafts for pk in d.tagged],
        batch_size=2000,
    )
    photos.prepare(scene for d in drafts for scene in d.scenes)
    attachments = [
        photos.attachment(d.post, position, scene)
        for d in drafts
        for position, scene in enumerate(d.scenes)
    ]
    Attachment.objects.bulk_create(attachments, batch_size=1000)
    likes = [
        Like(post=d.post, user_id=pk, created_at=d.seen[pk]) for d in drafts for pk in d.liked
    ]
    Like.objects.bulk_create(likes, batch_size=5000)
    seen = [
        PostSeen(post=d.post, user_id=pk, seen_at=at) for d in drafts for pk, at in d.seen.items()
    ]
    PostSeen.objects.bulk_create(seen, batch_size=5000)
    return {
        "posts": len(drafts),
        "photos": len(attachments),
        "weekly reminders": len(reminders),
        "likes": len(likes),
        "post views": len(seen),
    }


def ensure_stories(*, today: date, seed: int, tz: ZoneInfo) -> dict[str, int]:
    """A term of stories for every class without any post yet, and for the School Story if it
    has none; returns what was made, by kind. Files written for a run that fails are removed."""
    days = _school_days(today)
    classes = list(SchoolClass.objects.filter(posts__isnull=True).order_by("pk"))
    school_done = Post.objects.filter(audience=Audience.SCHOOL).exists()
    if not days or (not classes and school_done):
        return {}
    by_class, by_pupil = _parents()
    end = datetime.combine(today, time(0), tzinfo=tz)
    term = Term(tz=tz, days=days, end=end, parents_of_class=by_class, parents_of_pupil=by_pupil)
    drafts, reminders = _class_stories(term, seed, classes)
    if not school_done:
        more, school_reminders = _school_stories(term, seed)
        drafts, reminders = drafts + more, reminders + school_reminders
    _check_names(drafts)
    photos = PhotoStore(seed=seed)
    try:
        return _write(drafts, reminders, photos)
    except BaseException:
        photos.discard()
        raise
