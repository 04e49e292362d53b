"""The excerpt of a "new post" notification: the start of the post and the viewer's children it
is about, read through what the viewer may see now (a post hidden since shows nothing, R13)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from accounts.models import ParentLink, Role
from classes.names import display_names
from notifications.excerpts import Excerpt, shorten

from .models import Audience
from .permissions import posts_visible_to

PREFIX = "post:"


def _children(viewer: Any) -> tuple[dict[int, list[str]], dict[int, str]]:
    """A parent's children's names by class, and by pupil. Two queries (none for others)."""
    if viewer.role != Role.PARENT:
        return {}, {}
    pupils = [
        link.pupil for link in ParentLink.objects.filter(parent=viewer).select_related("pupil")
    ]
    names = display_names(pupils)
    by_class: dict[int, list[str]] = {}
    for pupil in pupils:
        if pupil.school_class_id is not None:
            by_class.setdefault(pupil.school_class_id, []).append(names[pupil.pk])
    return by_class, {pupil.pk: names[pupil.pk] for pupil in pupils}


def post_excerpts(viewer: Any, keys: Sequence[str]) -> dict[str, Excerpt]:
    """Each key's post excerpt, for the posts the viewer may see. A fixed number of queries."""
    ids = {
        int(key[len(PREFIX) :]): key
        for key in keys
        if key.startswith(PREFIX) and key[len(PREFIX) :].isdigit()
    }
    posts = (
        posts_visible_to(viewer)
        .filter(pk__in=ids)
        .only("pk", "body", "audience", "school_class_id", "pupil_id")
    )
    by_class, by_pupil = _children(viewer)
    found: dict[str, Excerpt] = {}
    for post in posts:
        if post.audience == Audience.STUDENT:
            child = by_pupil.get(post.pupil_id or 0, "")
        elif post.audience == Audience.CLASS:
            child = ", ".join(by_class.get(post.school_class_id or 0, []))
        else:
            child = ""
        found[ids[post.pk]] = Excerpt(shorten(post.body), child)
    return found
