"""Posts (R13, R15, R16, R29, R30).

A post is "about" a child when it is in the child's Student Story, or when its media tags the
child (R12). Class Story and School Story posts that do not tag the child are about the class
or the school: the parent can read them in the portal, and they are not in the download. The
posts about a child come with their photos, recordings and work samples.

A family's export holds exactly the posts the portal shows them: it starts from
``stories.permissions.posts_visible_to``, the queryset every page and the media view start
from. So a post hidden because a child's photo consent was withdrawn (R13) is left out, photos
and all, as it is 404 in the portal, and the README says that posts were withheld and why
(another child's consent, or a change of their own child's), never naming the other child.
Scheduled posts are not in it either: families see them once they are published.

Staff get the posts and reminders they wrote: their words, with the kind of each attachment,
but no media at all, hidden posts included. A photo shows children: it is the personal data of
the children in it (and the school's record), not the staff member's, so a teacher's right of
access does not reach it, least of all a photo of a child whose consent was withdrawn, which
the school must show nobody but the author (to edit or delete it, in the portal). Everyone
gets their likes and the posts they had on screen.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from consent.selectors.media import media_verdicts
from stories.models import Attachment, Audience, Like, Post, PostSeen, Reminder
from stories.permissions import posts_visible_to

from .base import Area, MediaFile, Part, Subject

# R13: a post about the person's child hidden because another child who appears in its photos
# may not be shown (the README says so; the other child is never named, nor their reason).
WITHHELD_FOR_ANOTHER_CHILD = ngettext_lazy(
    "%(count)s post about your children is not included, with its photos: another child who "
    "appears in them does not have photo consent that allows families to see them.",
    "%(count)s posts about your children are not included, with their photos: another child "
    "who appears in them does not have photo consent that allows families to see them.",
    "count",
)
# R13: hidden after a change of the person's own child's photo consent.
WITHHELD_FOR_YOUR_CHILD = ngettext_lazy(
    "%(count)s post about your children is not included, with its photos: it is hidden from "
    "families because of a change in your child's photo consent.",
    "%(count)s posts about your children are not included, with their photos: they are hidden "
    "from families because of a change in your child's photo consent.",
    "count",
)
WITHHELD_KEPT = _(
    "Their authors have been asked to change or delete them; the school office can tell you more."
)


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


def _about(subject: Subject) -> Q:
    """Posts in the children's Student Stories, or whose media tags one of them."""
    ids = subject.child_ids
    tagged = Post.tagged.through.objects.filter(pupil_id__in=ids).values("post_id")
    return Q(audience=Audience.STUDENT, pupil_id__in=ids) | Q(pk__in=tagged)


def _posts_about_children(subject: Subject) -> Part:
    if not subject.children:
        return Part({"posts_about_your_children": []})
    ids = subject.child_ids
    posts = (
        posts_visible_to(subject.user)  # what the portal shows this person, no more (R13)
        .filter(_about(subject))
        .select_related("school_class", "author")
        .prefetch_related(
            Prefetch("attachments", Attachment.objects.order_by("position", "pk")),
            "tagged",
        )
        .order_by("publish_at", "pk")
    )
    rows, files = [], []
    for post in posts:
        media = _media(post)
        files += media
        about = {post.pupil_id} if post.pupil_id in ids else set()
        about |= {pupil.pk for pupil in post.tagged.all() if pupil.pk in ids}
        rows.append(
            {
                "id": post.pk,
                "story": str(post.get_audience_display()),
                "class": post.school_class.name if post.school_class else None,
                "about": sorted(subject.child_name(pk) for pk in about),
                "by": post.author.display_name if post.author else None,
                "text": post.body,
                "published": post.published_at,
                "likes": post.like_count,
                "files": [m.arcname for m in media],
            }
        )
    return Part({"posts_about_your_children": rows}, files, _withheld(subject))


def _withheld(subject: Subject) -> list[str]:
    """README lines for the posts about the children hidden from families for consent (R13):
    whether another child's consent is the reason, or their own child's. Three queries."""
    hidden = list(
        Post.objects.filter(_about(subject), published_at__isnull=False, hidden_at__isnull=False)
        .prefetch_related("tagged")
        .only("pk", "audience", "pupil_id")
    )
    if not hidden:
        return []
    appear: list[set[int]] = [
        {p.pk for p in post.tagged.all()} | ({post.pupil_id} if post.pupil_id else set())
        for post in hidden
    ]
    verdicts = media_verdicts(set().union(*appear))
    own = set(subject.child_ids)
    others = sum(
        1
        for pupils in appear
        if any(pk not in own and pk in verdicts and not verdicts[pk].may_appear for pk in pupils)
    )
    lines = []
    if others:
        lines.append(str(WITHHELD_FOR_ANOTHER_CHILD % {"count": others}))
    if len(hidden) > others:
        count = len(hidden) - others
        lines.append(str(WITHHELD_FOR_YOUR_CHILD % {"count": count}))
    return [*lines, str(WITHHELD_KEPT)]


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
