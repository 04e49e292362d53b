"""Reads for the feeds (R15–R17, R30): each a fixed number of queries whatever the data size.

A feed page is keyset-paginated on (published_at, id), newest first: no OFFSET, so page 40 costs
what page 1 costs, and a post published meanwhile never shifts a page.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery

from accounts.models import ParentLink, Role, User
from classes.models import Pupil
from classes.names import display_names
from core.claims import CLAIM_TTL
from media.uploads import MediaKind

from .models import (
    Attachment,
    AttachmentStatus,
    Audience,
    Like,
    Post,
    PostQuerySet,
    PostSeen,
    PostTranslation,
)
from .permissions import can_see_reach, posts_visible_to

PAGE_SIZE = 20


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: after the post published at ``at`` with id ``pk``."""

    at: dt.datetime
    pk: int

    def __str__(self) -> str:
        return f"{self.at.timestamp():.6f}_{self.pk}"

    @classmethod
    def parse(cls, text: str | None) -> Cursor | None:
        """The cursor in ``text``, or None (the first page) for anything malformed."""
        try:
            stamp, pk = (text or "").split("_")
            at = dt.datetime.fromtimestamp(float(stamp), tz=dt.timezone.utc)
            return cls(at=at, pk=int(pk))
        except (ValueError, OverflowError, OSError):
            return None


@dataclass(frozen=True)
class FeedPost:
    """A post as a reader sees it: the Student Story pupil's display name (R6, else ""), its
    reach when the viewer may see it (R30, else None), whether the viewer liked it and (for
    parents; True for others) has seen it, and its text in the viewer's language when a
    translation is ready (else None)."""

    post: Post
    pupil_name: str
    reach: Reach | None
    liked: bool
    seen: bool
    translated: str | None


@dataclass
class FeedPage:
    posts: list[FeedPost]
    next_cursor: Cursor | None


def _reader_language(viewer: User) -> str:
    return getattr(viewer, "preferred_language", "") or ""


def _with_extras(posts: PostQuerySet, viewer: User) -> PostQuerySet:
    """What every shown post needs, in the same query: its class, pupil and author, whether
    the viewer liked it and (parents) has seen it, its text in the viewer's language;
    attachments prefetched."""
    translation = PostTranslation.objects.filter(
        post=OuterRef("pk"), language=_reader_language(viewer)
    ).values("body")[:1]
    extras: dict[str, Any] = {
        "liked": Exists(Like.objects.filter(post=OuterRef("pk"), user_id=viewer.pk)),
        "translated": Subquery(translation),
    }
    if viewer.role == Role.PARENT:
        extras["seen"] = Exists(PostSeen.objects.filter(post=OuterRef("pk"), user_id=viewer.pk))
    return (
        posts.select_related("school_class", "pupil", "author")
        .annotate(**extras)
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("position"))
        )
    )


def _rows(
    posts: list[Post], viewer: User, known: Mapping[int, str] | None = None
) -> list[FeedPost]:
    """The posts as rows: Student Story posts with their pupil's display name (from ``known``,
    else one query, none without any), every post with its reach where the viewer may see it
    (their own; all for leaders), else None (one query, none without any)."""
    names = dict(known or {})
    pupils = [p.pupil for p in posts if p.pupil is not None and p.pupil_id not in names]
    names.update(display_names(pupils) if pupils else {})
    shown = [p for p in posts if p.published_at and can_see_reach(viewer, p)]
    reach = reach_for(shown) if shown else {}
    return [
        FeedPost(
            post=post,
            pupil_name=names.get(post.pupil_id or 0, ""),
            reach=reach.get(post.pk),
            # Annotations of _with_extras; "seen" only for parents.
            liked=bool(getattr(post, "liked", False)),
            seen=bool(getattr(post, "seen", True)),
            translated=getattr(post, "translated", None),
        )
        for post in posts
    ]


def feed_page(
    viewer: User,
    *,
    cursor: Cursor | None = None,
    class_id: int | None = None,
    class_ids: Collection[int] | None = None,
    size: int = PAGE_SIZE,
    names: Mapping[int, str] | None = None,
) -> FeedPage:
    """Published posts ``viewer`` may see, newest first, ``size`` at a time, as rows. Each post
    comes with its attachments; its row with ``liked``, ``seen``, ``translated`` (its text in
    the viewer's language, or None), ``reach`` (R30, for its author) and, for Student Story
    posts, ``pupil_name`` (R6). Three queries whatever the number of posts
    (staff: one more for their classes, unless ``class_ids`` gives them)."""
    posts = posts_visible_to(viewer, class_ids=class_ids).filter(published_at__isnull=False)
    if class_id is not None:
        posts = posts.filter(school_class_id=class_id)
    if cursor is not None:
        posts = posts.filter(
            Q(published_at__lt=cursor.at) | Q(published_at=cursor.at, pk__lt=cursor.pk)
        )
    rows = list(_with_extras(posts, viewer).order_by("-published_at", "-pk")[: size + 1])
    page, more = rows[:size], len(rows) > size
    last = page[-1] if more else None
    after = Cursor(last.published_at, last.pk) if last and last.published_at else None
    return FeedPage(_rows(page, viewer, names), after)


def post_for(viewer: User, pk: int) -> FeedPost | None:
    """One post ``viewer`` may see (published, or their own scheduled one), as a row with the
    same extras as a feed's; None when it does not exist for them."""
    post = _with_extras(posts_visible_to(viewer).filter(pk=pk), viewer).first()
    return _rows([post], viewer)[0] if post is not None else None


def attachment_for(viewer: User, key: uuid.UUID | str) -> Attachment | None:
    """An attachment of a post ``viewer`` may see (R8), in one query; None otherwise."""
    return (
        Attachment.objects.filter(key=key, post__in=posts_visible_to(viewer).values("pk"))
        .select_related("post")
        .first()
    )


@dataclass(frozen=True)
class OwnPosts:
    hidden: list[Post]  # hidden for a withdrawn consent: to edit or delete (R13)
    scheduled: list[Post]  # waiting for their time (R29)


def own_posts_to_attend(author: User) -> OwnPosts:
    """The author's posts that wait on them: hidden for a withdrawn consent (newest first) and
    scheduled (soonest first). One query."""
    rows = list(
        Post.objects.filter(author=author)
        .filter(Q(published_at__isnull=True) | Q(hidden_at__isnull=False))
        .select_related("school_class")
    )
    hidden = sorted((p for p in rows if p.hidden_at), key=lambda p: p.hidden_at or p.publish_at)
    hidden.reverse()
    scheduled = sorted((p for p in rows if not p.published_at), key=lambda p: p.publish_at)
    return OwnPosts(hidden=hidden, scheduled=scheduled)


@dataclass(frozen=True)
class Reach:
    seen: int
    families: int


FAMILIES_CACHE_KEY = "stories:families-by-class"
FAMILIES_CACHE_SECONDS = 60


def families_by_class() -> dict[int, int]:
    """Current pupils with at least one parent linked, by class: the families a post can
    reach. Kept a minute in the shared cache (it changes when the office links a parent)."""
    cached = cache.get(FAMILIES_CACHE_KEY)
    if cached is None:
        rows = (
            Pupil.objects.current()
            .filter(Exists(ParentLink.objects.filter(pupil=OuterRef("pk"))))
            .values("school_class_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        cached = {row["school_class_id"]: row["n"] for row in rows}
        cache.set(FAMILIES_CACHE_KEY, cached, FAMILIES_CACHE_SECONDS)
    return cached


def reach_for(posts: Sequence[Post]) -> dict[int, Reach]:
    """R30 for each post: of the families it was for (current pupils of its audience with a
    parent linked), how many had it on screen (any of a pupil's parents counts once). One
    query (and the families per class from the cache)."""
    families = families_by_class()
    seen = _families_seen([post.pk for post in posts])
    reach = {}
    for post in posts:
        if post.audience == Audience.SCHOOL:
            total = sum(families.values())
        elif post.audience == Audience.STUDENT:
            total = 1
        else:
            total = families.get(post.school_class_id or 0, 0)
        reach[post.pk] = Reach(seen=min(seen.get(post.pk, 0), total), families=total)
    return reach


def _families_seen(post_ids: list[int]) -> dict[int, int]:
    """Per post, the distinct current pupils of its audience whose parent saw it. One
    ``filter()`` call, so the audience test and the count share their joins."""
    pupil = "user__parent_links__pupil"
    in_audience = (
        Q(post__audience=Audience.SCHOOL)
        | Q(
            post__audience=Audience.CLASS,
            **{f"{pupil}__school_class_id": F("post__school_class_id")},
        )
        | Q(post__audience=Audience.STUDENT, **{f"{pupil}_id": F("post__pupil_id")})
    )
    rows = (
        PostSeen.objects.filter(
            in_audience,
            post_id__in=post_ids,
            **{f"{pupil}__leaving_date__isnull": True, f"{pupil}__school_class__isnull": False},
        )
        .values("post_id")
        .annotate(n=Count(pupil, distinct=True))
        .order_by()
    )
    return {row["post_id"]: row["n"] for row in rows}


# What the minute's sweep (``stories.tasks.publish_due``) enqueues again: the work whose task
# was lost.

# A post still untranslated this long after it was published was probably never enqueued
# (broker down): the sweep enqueues it again (running twice is harmless: the second run finds
# the work done).
STALE = dt.timedelta(minutes=2)
# A photo waiting to be processed, or a published post whose families are not told yet, is
# enqueued again by the first sweep after this, unless a worker is at it now: both hold a row
# lock while they work, which dies with the worker, so what a killed worker was doing is taken
# over by the next minute's sweep. The grace leaves a task just enqueued its chance to start.
WAITING = dt.timedelta(seconds=20)
SWEEP_LIMIT = 100
# Translations are re-driven for a day; after that, readers see the original with the notice.
TRANSLATE_WITHIN = dt.timedelta(days=1)


def photos_waiting(now: dt.datetime) -> list[int]:
    """Photos still to process that no worker is processing now (``attachment_process`` locks
    the row while it works; on SQLite, with one worker, every waiting photo)."""
    with transaction.atomic():
        waiting = Attachment.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            status=AttachmentStatus.PROCESSING,
            kind=MediaKind.PHOTO,
            post__created_at__lt=now - WAITING,
        )
        return list(waiting.order_by("pk").values_list("pk", flat=True)[:SWEEP_LIMIT])


def recordings_waiting(now: dt.datetime) -> list[int]:
    """Recordings still to transcode that no live worker has claimed: never claimed, or
    claimed by a worker that stopped renewing its claim (``core.claims``)."""
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TTL)
    waiting = Attachment.objects.filter(
        free,
        status=AttachmentStatus.PROCESSING,
        kind__in=[MediaKind.AUDIO, MediaKind.VIDEO],
        post__created_at__lt=now - WAITING,
    )
    return list(waiting.order_by("pk").values_list("pk", flat=True)[:SWEEP_LIMIT])


def posts_untranslated(now: dt.datetime) -> list[int]:
    """Published posts still untranslated after ``STALE``, within a day of publishing."""
    untranslated = Post.objects.filter(
        translated_at__isnull=True,
        published_at__lt=now - STALE,
        published_at__gt=now - TRANSLATE_WITHIN,
    )
    return list(untranslated.values_list("pk", flat=True)[:SWEEP_LIMIT])


def posts_untold(now: dt.datetime) -> list[int]:
    """Published, visible posts whose families are not told yet after ``WAITING``, within a
    day of publishing."""
    untold = Post.objects.filter(
        notified_at__isnull=True,
        hidden_at__isnull=True,
        published_at__lt=now - WAITING,
        published_at__gt=now - TRANSLATE_WITHIN,
    )
    return list(untold.values_list("pk", flat=True)[:SWEEP_LIMIT])
