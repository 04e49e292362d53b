"""What the stories app tells people (R13, R31), through the notification service: families of
a new post (an urgent School Story post by every channel, whatever they chose), and an author
whose post was hidden because a child's consent changed.

A published post is told once: ``post_notify`` claims it with a conditional UPDATE of
``notified_at``; the task that runs it is enqueued when the post is published, and the
scheduler's sweep every minute runs it again for any post whose task was lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import ParentLink
from classes.models import Pupil
from classes.names import display_names
from dojo_portal.notifications.models import Kind
from dojo_portal.notifications.services import Event, notify, retract

from ..models import Audience, Post

EXCERPT = 140


def post_key(post_id: int) -> str:
    return f"post:{post_id}"


def posts_notifications_retract(post_ids: Collection[int]) -> None:
    """Posts deleted (by their author, or with a leaver's data): what told of them goes too."""
    keys = [post_key(pk) for pk in post_ids]
    for kind in (Kind.NEW_POST, Kind.URGENT):
        retract(kind=kind, keys=keys)


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
    return notify([_event(post, parent_id) for parent_id in parents], now=now)


def _families(post: Post) -> QuerySet[ParentLink]:
    """The parents of the post's audience: every current pupil's (School Story), the class's,
    or the one child's (Student Story)."""
    links = ParentLink.objects.filter(pupil__in=Pupil.objects.current())
    if post.audience == Audience.STUDENT:
        return links.filter(pupil=post.pupil)
    if post.audience == Audience.CLASS:
        return links.filter(pupil__school_class_id=post.school_class_id)
    return links


def _event(post: Post, parent_id: int) -> Event:
    link = reverse("stories_post", args=[post.pk])
    if post.urgent:
        excerpt = " ".join(post.body.split())[:EXCERPT]
        return Event(Kind.URGENT, post_key(post.pk), parent_id, link, {"excerpt": excerpt})
    name = ""
    if post.audience == Audience.STUDENT and post.pupil:
        name = display_names([post.pupil]).get(post.pupil.pk, "")
    elif post.school_class:
        name = post.school_class.name
    context = {"story": post.audience, "name": name}
    return Event(Kind.NEW_POST, post_key(post.pk), parent_id, link, context)


def posts_hidden_notify(post_ids: Collection[int], pupil_ids: Collection[int]) -> int:
    """R13: each author is told their post is hidden, naming the children in that post whose
    consent changed (by display name, R6)."""
    posts = list(Post.objects.filter(pk__in=post_ids, author__isnull=False))
    names = display_names(Pupil.objects.filter(pk__in=pupil_ids))
    in_post = _pupils_in_posts([post.pk for post in posts], names.keys())
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


def _pupils_in_posts(post_ids: list[int], pupil_ids: Collection[int]) -> dict[int, set[int]]:
    """Which of these pupils each post is about: tagged in it, or its Student Story's child."""
    found: dict[int, set[int]] = {pk: set() for pk in post_ids}
    tags = Post.tagged.through.objects.filter(post_id__in=post_ids, pupil_id__in=pupil_ids)
    student = Post.objects.filter(pk__in=post_ids, pupil_id__in=pupil_ids)
    for post_id, pupil_id in [
        *tags.values_list("post_id", "pupil_id"),
        *student.values_list("pk", "pupil_id"),
    ]:
        found[post_id].add(pupil_id)
    return found


def _hidden_context(names: list[str]) -> dict[str, str]:
    return {"pupil": ", ".join(names), "pupils": str(len(names))}
