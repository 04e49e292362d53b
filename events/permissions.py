"""Who sees and does what with events (R35). An event is seen by whoever sees its post
(``stories.permissions.posts_visible_to``), so "missing" and "not yours" are both 404.

- Staff who may post to a class (or, for the School Story, leaders and the office) create
  events there.
- Parents reply for their own current children in the event's audience.
- The author sees the replies and reminds; so do leaders see them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts.models import ParentLink, Role
from accounts.permissions.accounts import has_role
from classes.models import Pupil, SchoolClass
from stories.models import Audience, Post
from stories.permissions import (
    can_change_post,
    can_post_to_class,
    can_post_to_school,
    posts_visible_to,
)

from .models import CalendarFeed, Event


def events_visible_to(user: Any) -> QuerySet[Event]:
    """Every event ``user`` may see: those whose post they may see."""
    return Event.objects.filter(post__in=posts_visible_to(user))


def get_event_for(user: Any, event_id: int) -> Event:
    """The event, if ``user`` may see it; ``Event.DoesNotExist`` otherwise (shown as 404)."""
    events = events_visible_to(user).select_related("post__school_class", "post__author")
    return events.get(pk=event_id)


def can_create_event_for_class(user: Any, school_class: SchoolClass) -> bool:
    """The staff who post to a class's story put events in it."""
    return can_post_to_class(user, school_class)


def can_create_school_event(user: Any) -> bool:
    """Leaders and the office put events in the School Story."""
    return can_post_to_school(user)


def can_change_event(user: Any, event: Event) -> bool:
    """Only the event's author changes it (as only a post's author edits the post)."""
    return can_change_post(user, event.post)


def can_see_replies(user: Any, event: Event) -> bool:
    """The event's author, and leaders, see who replied what and who has not."""
    return can_change_post(user, event.post) or has_role(user, Role.LEADER)


def can_remind(user: Any, event: Event) -> bool:
    """Only the event's author sends its one reminder."""
    return can_change_post(user, event.post)


def can_have_calendar_feed(user: Any) -> bool:
    """Parents have a private calendar address of their children's events."""
    return has_role(user, Role.PARENT)


def audience_pupils(post: Post) -> QuerySet[Pupil]:
    """The current pupils a post (and so its event) is for."""
    pupils = Pupil.objects.current()
    if post.audience == Audience.STUDENT:
        return pupils.filter(pk=post.pupil_id or 0)
    if post.audience == Audience.CLASS:
        return pupils.filter(school_class_id=post.school_class_id)
    return pupils


def children_replying(user: Any, event: Event) -> QuerySet[Pupil]:
    """The children ``user`` replies for: their own current children in the event's audience
    (none for anyone but a parent)."""
    if not has_role(user, Role.PARENT):
        return Pupil.objects.none()
    mine = ParentLink.objects.filter(parent=user).values("pupil_id")
    return audience_pupils(event.post).filter(pk__in=mine)


def live_feed(key: str) -> CalendarFeed | None:
    """The calendar feed with this key, if it is not revoked and its parent may still have one."""
    feed = (
        CalendarFeed.objects.filter(key=key, revoked_at__isnull=True)
        .select_related("parent")
        .first()
    )
    if feed is None or not can_have_calendar_feed(feed.parent):
        return None
    return feed
