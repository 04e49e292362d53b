"""Posts (R15, R16, R29, R30).

A post is "about" a child when it is in the child's Student Story, or when its media tags the
child (R12). Class Story and School Story posts that do not tag the child are about the class
or the school: the parent can read them in the portal, and they are not in the download. The
posts about a child come with their photos, recordings and work samples.

Staff get the posts and reminders they wrote (their words; the media show children and stay
with the school), and everyone gets their likes and the posts they had on screen.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from stories.models import Attachment, Audience, Like, Post, PostSeen, Reminder

from .base import Area, MediaFile, Part, Subject


def _state(post: Post) -> str:
    if post.published_at is None:
        return str(_("scheduled"))
    return str(_("hidden from families")) if post.hidden_at else str(_("published"))


def _media(post: Post) -> list[MediaFile]:
    files = []
    for number, attachment in enumerate(post.attachments.all(), start=1):
        name = attachment.file.name or ""
        if name:
            extension = name.rsplit(".", 1)[-1] if "." in name else "bin"
            arcname = f"media/posts/{post.pk}-{number}-{attachment.kind}.{extension}"
            files.append(MediaFile(attachment.file, arcname))
    return files


def _posts_about_children(subject: Subject) -> Part:
    ids = subject.child_ids
    tagged_rows = Post.tagged.through.objects.filter(pupil_id__in=ids)
    posts = (
        Post.objects.filter(
            Q(audience=Audience.STUDENT, pupil_id__in=ids)
            | Q(pk__in=tagged_rows.values("post_id"))
        )
        .select_related("school_class", "author")
        .prefetch_related(Prefetch("attachments", Attachment.objects.order_by("position", "pk")))
        .order_by("publish_at", "pk")
    )
    tags: dict[int, list[int]] = defaultdict(list)
    for post_id, pupil_id in tagged_rows.values_list("post_id", "pupil_id"):
        tags[post_id].append(pupil_id)
    rows, files = [], []
    for post in posts:
        media = _media(post)
        files += media
        about = {post.pupil_id} if post.pupil_id in ids else set()
        rows.append(
            {
                "id": post.pk,
                "story": str(post.get_audience_display()),
                "class": post.school_class.name if post.school_class else None,
                "about": sorted(subject.child_name(pk) for pk in about | set(tags[post.pk])),
                "by": post.author.display_name if post.author else None,
                "text": post.body,
                "published": post.published_at or post.publish_at,
                "state": _state(post),
                "likes": post.like_count,
                "files": [m.arcname for m in media],
            }
        )
    return Part({"posts_about_your_children": rows}, files)


def _written(subject: Subject) -> dict[str, list[dict[str, Any]]]:
    posts = (
        Post.objects.filter(author=subject.user)
        .select_related("school_class")
        .prefetch_related("attachments")
        .order_by("publish_at", "pk")
    )
    reminders = Reminder.objects.filter(author=subject.user).select_related("school_class")
    return {
        "posts_you_wrote": [
            {
                "id": p.pk,
                "story": str(p.get_audience_display()),
                "class": p.school_class.name if p.school_class else None,
                "text": p.body,
                "published": p.published_at or p.publish_at,
                "state": _state(p),
                "attachments": [str(a.get_kind_display()) for a in p.attachments.all()],
            }
            for p in posts
        ],
        "repeating_reminders_you_set": [
            {
                "story": str(r.get_audience_display()),
                "class": r.school_class.name if r.school_class else None,
                "text": r.body,
                "day": str(r.get_weekday_display()),
                "time": r.time_of_day,
                "active": r.active,
            }
            for r in reminders.order_by("pk")
        ],
    }


def _reading(subject: Subject) -> dict[str, list[dict[str, Any]]]:
    likes = Like.objects.filter(user=subject.user).select_related("post").order_by("created_at")
    seen = PostSeen.objects.filter(user=subject.user).order_by("seen_at", "pk")
    return {
        "your_likes": [
            {
                "post": like.post_id,
                "story": str(like.post.get_audience_display()),
                "liked": like.created_at,
            }
            for like in likes
        ],
        "posts_you_saw": [{"post": s.post_id, "seen": s.seen_at} for s in seen],
    }


def build(subject: Subject) -> Part:
    part = _posts_about_children(subject)
    part.data.update(_written(subject))
    part.data.update(_reading(subject))
    return part


AREA = Area(
    filename="posts.json",
    description=_(
        "Posts about your children (their Student Story, and posts whose photos tag them) "
        "with their files in the media folder; the posts you liked and had on screen; for "
        "staff, the posts and repeating reminders you wrote."
    ),
    covers={
        "stories.Post": "posts_about_your_children",
        "stories.Like": "your_likes",
        "stories.PostSeen": "posts_you_saw",
        "stories.Reminder": "repeating_reminders_you_set",
    },
    build=build,
)
