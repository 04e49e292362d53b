"""The demo parent finds news waiting: their children's latest class and Student Story posts
are told the way a published post is (``post_notify``: every family of the post, by each
person's own settings), so the bell shows a count and the notification centre has something
to open. Idempotent: a post is told once."""

from __future__ import annotations

from django.db.models import Q

from classes.models import Pupil
from stories.models import Audience, Post
from stories.services.notices import post_notify

from .people import PARENT_EMAIL

LATEST = 3


def ensure_notifications(parent_email: str = PARENT_EMAIL) -> int:
    """Tell the families of the demo parent's children's latest posts; returns how many
    notifications were recorded (none on a second run)."""
    children = Pupil.objects.filter(parent_links__parent__email=parent_email)
    about_them = Q(audience=Audience.CLASS, school_class__in=children.values("school_class")) | Q(
        audience=Audience.STUDENT, pupil__in=children
    )
    latest = (
        Post.objects.filter(about_them, published_at__isnull=False, hidden_at__isnull=True)
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)[:LATEST]
    )
    return sum(post_notify(post_id) for post_id in list(latest))
