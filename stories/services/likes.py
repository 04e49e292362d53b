"""Likes (R16) and what readers have had on screen (R30)."""

from __future__ import annotations

from collections.abc import Collection

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F

from accounts.models import Role, User

from ..models import Like, Post, PostSeen
from ..permissions import can_like_post


@transaction.atomic
def post_like(*, acting_user: User, post: Post) -> Post:
    """Like a post once; liking it again changes nothing. The caller fetched ``post`` through
    ``posts_visible_to``."""
    if not can_like_post(acting_user):
        raise PermissionDenied
    try:
        with transaction.atomic():
            Like.objects.create(post=post, user=acting_user)
    except IntegrityError:  # already liked (a double tap, or two tabs)
        pass
    else:
        Post.objects.filter(pk=post.pk).update(like_count=F("like_count") + 1)
    post.refresh_from_db(fields=["like_count"])
    return post


@transaction.atomic
def post_unlike(*, acting_user: User, post: Post) -> Post:
    """Take a like back; without a like, nothing changes."""
    if not can_like_post(acting_user):
        raise PermissionDenied
    deleted, _by_model = Like.objects.filter(post=post, user=acting_user).delete()
    if deleted:
        Post.objects.filter(pk=post.pk).update(like_count=F("like_count") - 1)
    post.refresh_from_db(fields=["like_count"])
    return post


def posts_mark_seen(*, viewer: User, post_ids: Collection[int]) -> None:
    """Record that a parent had these posts on screen (one write, repeats ignored). Only
    parents count towards a post's reach: it is families the author wants to reach."""
    if viewer.role != Role.PARENT or not post_ids:
        return
    PostSeen.objects.bulk_create(
        [PostSeen(post_id=pk, user=viewer) for pk in post_ids], ignore_conflicts=True
    )
