"""Reads for the feeds (R15–R17, R30): each a fixed number of queries whatever the data size.

A feed page is keyset-paginated on (published_at, id), newest first: no OFFSET, so page 40 costs
what page 1 costs, and a post published meanwhile never shifts a page.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery

from accounts.models import ParentLink, Role, User
from classes.models import Pupil
from classes.names import display_names

from .models import Attachment, Audience, Like, Post, PostSeen, PostTranslation
from .permissions import posts_visible_to

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


@dataclass
class FeedPage:
    posts: list[Post]
    next_cursor: Cursor | None


def _reader_language(viewer: User) -> str:
    return getattr(viewer, "preferred_language", "") or ""


def feed_page(
    viewer: User,
    *,
    cursor: Cursor | None = None,
    class_id: int | None = None,
    size: int = PAGE_SIZE,
) -> FeedPage:
    """Published posts ``viewer`` may see, newest first, ``size`` at a time. Each post comes
    with ``liked`` (by the viewer), ``translated`` (its text in the viewer's language, or None),
    its attachments and, for Student Story posts, ``pupil_name`` (R6). Three queries (four for
    staff: their classes), whatever the number of posts."""
    posts = posts_visible_to(viewer).filter(published_at__isnull=False)
    if class_id is not None:
        posts = posts.filter(school_class_id=class_id)
    if cursor is not None:
        posts = posts.filter(
            Q(published_at__lt=cursor.at) | Q(published_at=cursor.at, pk__lt=cursor.pk)
        )
    translation = PostTranslation.objects.filter(
        post=OuterRef("pk"), language=_reader_language(viewer)
    ).values("body")[:1]
    rows = list(
        posts.select_related("school_class", "pupil", "author")
        .annotate(
            liked=Exists(Like.objects.filter(post=OuterRef("pk"), user_id=viewer.pk)),
            translated=Subquery(translation),
        )
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("position"))
        )
        .order_by("-published_at", "-pk")[: size + 1]
    )
    page, more = rows[:size], len(rows) > size
    _name_pupils(page)
    last = page[-1] if more else None
    return FeedPage(
        page, Cursor(last.published_at, last.pk) if last and last.published_at else None
    )


def _name_pupils(posts: Sequence[Post]) -> None:
    """Student Story posts carry their pupil's display name (one query, none without any)."""
    pupils = {post.pupil_id: post.pupil for post in posts if post.pupil is not None}
    names = display_names([p for p in pupils.values() if p is not None]) if pupils else {}
    for post in posts:
        post.pupil_name = names.get(post.pupil_id or 0, "")  # type: ignore[attr-defined]


def post_for(viewer: User, pk: int) -> Post | None:
    """One post ``viewer`` may see (published, or their own scheduled one), with the same
    extras as a feed's posts; None when it does not exist for them."""
    translation = PostTranslation.objects.filter(
        post=OuterRef("pk"), language=_reader_language(viewer)
    ).values("body")[:1]
    post = (
        posts_visible_to(viewer)
        .filter(pk=pk)
        .select_related("school_class", "pupil", "author")
        .annotate(
            liked=Exists(Like.objects.filter(post=OuterRef("pk"), user_id=viewer.pk)),
            translated=Subquery(translation),
        )
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("position"))
        )
        .first()
    )
    if post is not None:
        _name_pupils([post])
    return post


def attachment_for(viewer: User, key: uuid.UUID | str) -> Attachment | None:
    """An attachment of a post ``viewer`` may see (R8), in one query; None otherwise."""
    return (
        Attachment.objects.filter(key=key, post__in=posts_visible_to(viewer).values("pk"))
        .select_related("post")
        .first()
    )


def scheduled_for(author: User) -> list[Post]:
    """The author's posts waiting for their time (R29), soonest first."""
    return list(
        Post.objects.filter(author=author, published_at__isnull=True)
        .select_related("school_class")
        .order_by("publish_at")
    )


def hidden_for(author: User) -> list[Post]:
    """The author's posts hidden for a withdrawn consent, waiting to be edited or deleted
    (R13)."""
    return list(
        Post.objects.filter(author=author, hidden_at__isnull=False)
        .select_related("school_class")
        .order_by("-hidden_at")
    )


@dataclass(frozen=True)
class Reach:
    seen: int
    families: int


def reach_for(posts: Sequence[Post]) -> dict[int, Reach]:
    """R30 for each post: of the families it was for (current pupils of its audience with at
    least one parent linked), how many had it on screen (any of a pupil's parents counts once).
    Two queries for any number of posts."""
    if not posts:
        return {}
    families = _families_by_class()
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


def _families_by_class() -> dict[int, int]:
    rows = (
        Pupil.objects.current()
        .filter(Exists(ParentLink.objects.filter(pupil=OuterRef("pk"))))
        .values("school_class_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["school_class_id"]: row["n"] for row in rows}


def _families_seen(post_ids: list[int]) -> dict[int, int]:
    in_audience = (
        Q(post__audience=Audience.SCHOOL)
        | Q(
            post__audience=Audience.CLASS,
            user__parent_links__pupil__school_class_id=F("post__school_class_id"),
        )
        | Q(post__audience=Audience.STUDENT, user__parent_links__pupil_id=F("post__pupil_id"))
    )
    rows = (
        PostSeen.objects.filter(
            in_audience,
            post_id__in=post_ids,
            user__role=Role.PARENT,
            user__parent_links__pupil__leaving_date__isnull=True,
        )
        .values("post_id")
        .annotate(n=Count("user__parent_links__pupil", distinct=True))
        .order_by()
    )
    counts: dict[int, int] = defaultdict(int)
    for row in rows:
        counts[row["post_id"]] = row["n"]
    return counts
