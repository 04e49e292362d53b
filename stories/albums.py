"""Reads for the photo viewer and the albums (R8, R13, R15): each a fixed number of queries
whatever the number of posts or photos.

- **The viewer** shows one photo of a post the viewer may see, with the post's text and author
  and the post's other photos before and after it.
- **A class's album**: the photos of its Class Story, newest first, by month.
- **A child's album**: the photos that tag the child and those of their Student Story.

Albums follow consent at once: they start from ``posts_visible_to`` (a post hidden for a
withdrawn consent is gone for families, R13), leave out hidden posts for staff too, and leave
out any post whose media shows a pupil who may not appear now, asked of
``consent.selectors.media.media_reason`` (the one answer every page uses), so a photo is gone
from every album the moment consent goes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from accounts.models import User
from classes.models import Pupil, SchoolClass
from classes.selectors import school_get
from consent.selectors.media import media_reason
from media.uploads import MediaKind

from .models import Attachment, AttachmentStatus, Audience, Post, PostQuerySet
from .permissions import posts_visible_to
from .selectors import Cursor, FeedPost, post_for

# Posts with photos on one album page (each with all its photos); "Older photos" continues.
ALBUM_POSTS = 24


@dataclass(frozen=True)
class PhotoView:
    """One photo of a post, with the post as the feed shows it and its neighbours (or None)."""

    row: FeedPost
    photo: Attachment
    number: int  # 1-based, among the post's photos
    count: int
    previous: Attachment | None
    next: Attachment | None


def _photos(attachments: list[Attachment]) -> list[Attachment]:
    """The photos of a post that can be shown (processed), in the post's order."""
    return [a for a in attachments if a.kind == MediaKind.PHOTO and a.is_ready]


def photo_view(viewer: User, post_id: int, key: uuid.UUID) -> PhotoView | None:
    """Photo ``key`` of post ``post_id``, for a viewer who may see the post (two queries, one
    more for a Student Story's pupil name); None when either is not theirs or not a shown
    photo, so "missing" and "not yours" are both 404."""
    row = post_for(viewer, post_id)
    if row is None:
        return None
    photos = _photos(list(row.post.attachments.all()))
    index = next((i for i, a in enumerate(photos) if a.key == key), None)
    if index is None:
        return None
    return PhotoView(
        row=row,
        photo=photos[index],
        number=index + 1,
        count=len(photos),
        previous=photos[index - 1] if index > 0 else None,
        next=photos[index + 1] if index + 1 < len(photos) else None,
    )


@dataclass(frozen=True)
class Month:
    """A month of an album: its first day (in the school's time zone) and its photos."""

    first_day: dt.date
    photos: list[Attachment]


@dataclass(frozen=True)
class Album:
    months: list[Month]
    next_cursor: Cursor | None


def _may_be_shown() -> Q:
    """Posts whose media shows nobody who may not appear now (R11–R13): no tagged pupil, and
    no Student Story pupil, without consent this moment."""
    refused = Pupil.objects.annotate(reason=media_reason()).exclude(reason="").values("pk")
    tagged = Post.tagged.through.objects.filter(post_id=OuterRef("pk"), pupil_id__in=refused)
    return ~Exists(tagged) & ~Q(audience=Audience.STUDENT, pupil_id__in=refused)


def _album(viewer: User, posts: PostQuerySet, cursor: Cursor | None) -> Album:
    """The photos of ``posts`` (those the viewer may see, shown, with consent), newest post
    first, ``ALBUM_POSTS`` posts a page, grouped by month. Two queries."""
    ready = Attachment.objects.filter(kind=MediaKind.PHOTO, status=AttachmentStatus.READY)
    posts = (
        posts.filter(Exists(ready.filter(post=OuterRef("pk"))), hidden_at__isnull=True)
        .filter(_may_be_shown(), pk__in=posts_visible_to(viewer).values("pk"))
        .filter(published_at__isnull=False)
    )
    if cursor is not None:
        posts = posts.filter(
            Q(published_at__lt=cursor.at) | Q(published_at=cursor.at, pk__lt=cursor.pk)
        )
    rows = list(
        posts.order_by("-published_at", "-pk").prefetch_related(
            Prefetch("attachments", queryset=ready.order_by("position"), to_attr="photos")
        )[: ALBUM_POSTS + 1]
    )
    page, more = rows[:ALBUM_POSTS], len(rows) > ALBUM_POSTS
    last = page[-1] if more else None
    after = Cursor(last.published_at, last.pk) if last and last.published_at else None
    return Album(_by_month(page), after)


def _by_month(posts: list[Post]) -> list[Month]:
    tz = school_get().tz
    months: dict[dt.date, list[Attachment]] = {}
    for post in posts:
        local = timezone.localtime(post.published_at, tz).date()
        months.setdefault(local.replace(day=1), []).extend(post.photos)  # type: ignore[attr-defined]
    return [Month(first_day, photos) for first_day, photos in months.items()]


def class_album(viewer: User, school_class: SchoolClass, cursor: Cursor | None = None) -> Album:
    """The photos of ``school_class``'s Class Story, by month (two queries; the caller checks
    ``can_see_class_album``)."""
    posts = Post.objects.filter(audience=Audience.CLASS, school_class=school_class)
    return _album(viewer, posts, cursor)


def pupil_album(viewer: User, pupil: Pupil, cursor: Cursor | None = None) -> Album:
    """The photos that tag ``pupil`` and those of their Student Story, by month (two queries;
    the caller checks ``can_see_pupil_album``)."""
    tagged = Post.tagged.through.objects.filter(post_id=OuterRef("pk"), pupil_id=pupil.pk)
    posts = Post.objects.filter(Exists(tagged) | Q(audience=Audience.STUDENT, pupil=pupil))
    return _album(viewer, posts, cursor)
