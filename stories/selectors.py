"""Reads for the feeds (R15–R17, R30): each a fixed number of queries whatever the data size.

A feed page is keyset-paginated on (published_at, id), newest first: no OFFSET, so page 40 costs
what page 1 costs, and a post published meanwhile never shifts a page.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from accounts.models import ParentLink, Role, User
from classes.models import Pupil
from classes.names import display_names

from .models import Attachment, Audience, Like, Post, PostQuerySet, PostTranslation
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


class SubqueryCount(Subquery):
    """COUNT(*) of a correlated subquery's rows, as a column of the outer query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


def _reach_annotations(viewer: User) -> dict[str, Case]:
    """R30 as two columns of the posts query, filled only where the viewer may see the reach
    (their own posts; every post for leaders): ``families`` — current pupils of the audience
    with a parent linked — and ``families_seen`` — those with a parent who had it on screen."""
    linked = Exists(ParentLink.objects.filter(pupil=OuterRef("pk")))
    current = Pupil.objects.current().filter(linked)
    seen = ParentLink.objects.filter(
        parent__posts_seen__post_id=OuterRef("pk"),
        pupil__leaving_date__isnull=True,
        pupil__school_class__isnull=False,
    )
    families = {
        Audience.CLASS: current.filter(school_class_id=OuterRef("school_class_id")).values("pk"),
        Audience.STUDENT: current.filter(pk=OuterRef("pupil_id")).values("pk"),
        Audience.SCHOOL: current.values("pk"),
    }
    seen_by = {
        Audience.CLASS: seen.filter(pupil__school_class_id=OuterRef("school_class_id")),
        Audience.STUDENT: seen.filter(pupil_id=OuterRef("pupil_id")),
        Audience.SCHOOL: seen,
    }
    mine = Q() if viewer.role == Role.LEADER else Q(author_id=viewer.pk)

    def per_audience(queries: Mapping[Any, QuerySet[Any, Any]]) -> Case:
        whens = [
            When(mine & Q(audience=audience), then=SubqueryCount(query.distinct()))
            for audience, query in queries.items()
        ]
        return Case(*whens, default=Value(None), output_field=IntegerField(null=True))

    seen_pupils = {k: q.values("pupil_id") for k, q in seen_by.items()}
    return {"families": per_audience(families), "families_seen": per_audience(seen_pupils)}


def _with_extras(posts: PostQuerySet, viewer: User) -> PostQuerySet:
    """What every shown post needs, in the same query: its class, pupil and author, whether
    the viewer liked it, its text in the viewer's language, its reach; attachments prefetched."""
    translation = PostTranslation.objects.filter(
        post=OuterRef("pk"), language=_reader_language(viewer)
    ).values("body")[:1]
    return (
        posts.select_related("school_class", "pupil", "author")
        .annotate(
            liked=Exists(Like.objects.filter(post=OuterRef("pk"), user_id=viewer.pk)),
            translated=Subquery(translation),
            **_reach_annotations(viewer),
        )
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("position"))
        )
    )


def _finish(posts: list[Post]) -> None:
    """Student Story posts get their pupil's display name (one query, none without any), and
    every post its ``reach`` (or None)."""
    pupils = [post.pupil for post in posts if post.pupil is not None]
    names = display_names(pupils) if pupils else {}
    for post in posts:
        post.pupil_name = names.get(post.pupil_id or 0, "")  # type: ignore[attr-defined]
        families = getattr(post, "families", None)
        seen = getattr(post, "families_seen", None) or 0
        reach = Reach(min(seen, families), families) if families is not None else None
        post.reach = reach  # type: ignore[attr-defined]


def feed_page(
    viewer: User,
    *,
    cursor: Cursor | None = None,
    class_id: int | None = None,
    class_ids: Collection[int] | None = None,
    size: int = PAGE_SIZE,
) -> FeedPage:
    """Published posts ``viewer`` may see, newest first, ``size`` at a time. Each post comes
    with ``liked`` (by the viewer), ``translated`` (its text in the viewer's language, or None),
    ``reach`` (R30, for its author), its attachments and, for Student Story posts,
    ``pupil_name`` (R6). Three queries whatever the number of posts (staff: one more for their
    classes, unless ``class_ids`` gives them)."""
    posts = posts_visible_to(viewer, class_ids=class_ids).filter(published_at__isnull=False)
    if class_id is not None:
        posts = posts.filter(school_class_id=class_id)
    if cursor is not None:
        posts = posts.filter(
            Q(published_at__lt=cursor.at) | Q(published_at=cursor.at, pk__lt=cursor.pk)
        )
    rows = list(_with_extras(posts, viewer).order_by("-published_at", "-pk")[: size + 1])
    page, more = rows[:size], len(rows) > size
    _finish(page)
    last = page[-1] if more else None
    after = Cursor(last.published_at, last.pk) if last and last.published_at else None
    return FeedPage(page, after)


def post_for(viewer: User, pk: int) -> Post | None:
    """One post ``viewer`` may see (published, or their own scheduled one), with the same
    extras as a feed's posts; None when it does not exist for them."""
    post = _with_extras(posts_visible_to(viewer).filter(pk=pk), viewer).first()
    if post is not None:
        _finish([post])
    return post


def attachment_for(viewer: User, key: uuid.UUID | str) -> Attachment | None:
    """An attachment of a post ``viewer`` may see (R8), in one query; None otherwise."""
    return (
        Attachment.objects.filter(key=key, post__in=posts_visible_to(viewer).values("pk"))
        .select_related("post")
        .first()
    )


@dataclass(frozen=True)
class Reach:
    seen: int
    families: int


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
