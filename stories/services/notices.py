"""What the stories app tells people (R13, R31), through the notification service: families of
a new post (an urgent School Story post by every channel, whatever they chose), and an author
whose post was hidden because a child's consent changed.

A published post is told once: ``post_notify`` claims it with a conditional UPDATE of
``notified_at`` in the same transaction as the notifications it records, so a worker that dies
halfway leaves the post untold (its transaction rolls back), and a second run waits for the
first and finds it told. The task that runs it is enqueued when the post is published, and the
scheduler's sweep every minute runs it again for any post whose task was lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import ParentLink
from classes.models import Pupil
from classes.names import display_names
from notifications.models import Kind
from notifications.services import Event, notify, retract

from ..models import Audience, Post

EXCERPT = 140


def post_key(post_id: int) -> str:
    return f"post:{post_id}"


def posts_notifications_retract(post_ids: Collection[int]) -> None:
    """Posts deleted (by their author, or with a leaver's data): what told of them goes too."""
    keys = [post_key(pk) for pk in post_ids]
    for kind in (Kind.NEW_POST, Kind.URGENT):
        retract(kind=kind, keys=keys)


@transaction.atomic
def post_notify(post_id: int, *, now: dt.datetime | None = None) -> int:
    """Tell the post's families of it, once. Returns how many were told (0 if already told,
    not yet published, or hidden)."""
    now = now or timezone.now()
    claimed = Post.objects.filter(
        pk=post_id, notified_at__isnull=True, published_at__isnull=False, hidden_at__isnull=True
    ).update(notified_at=now)
    if not claimed:
        return 0
    post = Post.objects.select_related("school_class", "pupil").get(pk=post_id)
    parents = _families(post).values_list("parent_id", flat=True).distinct()
    kind, link, context = _told(post)
    key = post_key(post.pk)
    return notify([Event(kind, key, parent_id, link, context) for parent_id in parents], now=now)


def _families(post: Post) -> QuerySet[ParentLink]:
    """The parents of the post's audience: every current pupil's (School Story), the class's,
    or the one child's (Student Story)."""
    links = ParentLink.objects.filter(pupil__in=Pupil.objects.current())
    if post.audience == Audience.STUDENT:
        return links.filter(pupil=post.pupil)
    if post.audience == Audience.CLASS:
        return links.filter(pupil__school_class_id=post.school_class_id)
    return links


def _told(post: Post) -> tuple[Kind, str, dict[str, str]]:
    """What every family of the post is told: the same for all of them, worked out once."""
    link = reverse("stories_post", args=[post.pk])
    if post.urgent:
        return Kind.URGENT, link, {"excerpt": " ".join(post.body.split())[:EXCERPT]}
    name = ""
    if post.audience == Audience.STUDENT and post.pupil:
        name = display_names([post.pupil]).get(post.pupil.pk, "")
    elif post.school_class:
        name = post.school_class.name
    return Kind.NEW_POST, link, {"story": post.audience, "name": name}


def posts_hidden_notify(post_ids: Collection[int], pupil_ids: Collection[int]) -> int:
    """R13: each author is told their post is hidden, naming the children in that post whose
    consent changed (by display name, R6)."""
    posts = list(Post.objects.filter(pk__in=post_ids, author__isnull=False))
    names = display_names(Pupil.objects.filter(pk__in=pupil_ids))
    in_post = _pupils_in_posts(posts, names.keys())
    return notify(
        Event(
            Kind.POST_HIDDEN,
            f"post-hidden:{post.pk}:{post.hidden_at:%Y%m%d%H%M%S}",
            post.author_id,
            reverse("stories_post", args=[post.pk]),
            _hidden_context(sorted(names[pk] for pk in in_post[post.pk])),
        )
        for post in posts
        if post.author_id is not None
    )


def _pupils_in_posts(posts: list[Post], pupil_ids: Collection[int]) -> dict[int, set[int]]:
    """Which of these pupils each post is about: its Student Story's child, or tagged in it."""
    wanted = set(pupil_ids)
    found = {post.pk: {post.pupil_id} & wanted if post.pupil_id else set() for post in posts}
    tags = Post.tagged.through.objects.filter(post_id__in=found, pupil_id__in=wanted)
    for post_id, pupil_id in tags.values_list("post_id", "pupil_id"):
        found[post_id].add(pupil_id)
    return found


def _hidden_context(names: list[str]) -> dict[str, str]:
    return {"pupil": ", ".join(names), "pupils": str(len(names))}
