"""Repeating reminder posts ("PE kit tomorrow", every Tuesday at 15:30) published by the
scheduler (R29)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from classes.models import SchoolClass
from classes.selectors import school_get

from ..models import Audience, Post, Reminder
from ..permissions import can_change_post, can_post_to_class, can_post_to_school
from ..text import check_body
from .checks import check_names
from .posts import _after_publish


def next_occurrence(
    weekday: int, time_of_day: dt.time, tz: zoneinfo.ZoneInfo, *, after: dt.datetime
) -> dt.datetime:
    """The first ``weekday`` at ``time_of_day`` (school time, through DST changes) after
    ``after``."""
    local = after.astimezone(tz)
    day = local.date() + dt.timedelta(days=(weekday - local.weekday()) % 7)
    candidate = dt.datetime.combine(day, time_of_day, tzinfo=tz)
    if candidate <= after:
        candidate = dt.datetime.combine(day + dt.timedelta(days=7), time_of_day, tzinfo=tz)
    return candidate


def _may_post(user: User, audience: str, school_class: SchoolClass | None) -> bool:
    if audience == Audience.SCHOOL:
        return can_post_to_school(user)
    return school_class is not None and can_post_to_class(user, school_class)


@transaction.atomic
def reminder_create(
    *,
    acting_user: User,
    audience: str,
    school_class: SchoolClass | None,
    body: str,
    weekday: int,
    time_of_day: dt.time,
) -> Reminder:
    """A weekly reminder in a Class Story (or the School Story). Its text passes the same rules
    as any post (R7); it carries no media."""
    school_class = school_class if audience == Audience.CLASS else None
    if audience not in (Audience.CLASS, Audience.SCHOOL) or not _may_post(
        acting_user, audience, school_class
    ):
        raise PermissionDenied
    text = check_body(body, has_media=False)
    check_names(Post(audience=audience, school_class=school_class), text)
    tz = school_get().tz
    reminder = Reminder(
        author=acting_user,
        audience=audience,
        school_class=school_class,
        body=text,
        language=acting_user.preferred_language,
        weekday=weekday,
        time_of_day=time_of_day,
        next_at=next_occurrence(weekday, time_of_day, tz, after=timezone.now()),
    )
    reminder.full_clean()
    reminder.save()
    return reminder


@transaction.atomic
def reminder_stop(*, acting_user: User, reminder: Reminder) -> None:
    """Its author stops a reminder; the posts it made stay."""
    if not can_change_post(acting_user, Post(author_id=reminder.author_id)):
        raise PermissionDenied
    Reminder.objects.filter(pk=reminder.pk).update(active=False)


@transaction.atomic
def reminder_restart(*, acting_user: User, reminder: Reminder) -> Reminder:
    """Its author undoes "stop this reminder": it is posted again from its next weekly time
    after now (a week missed while it was stopped is not posted late). ``PermissionDenied``
    for anyone else, or when the author may no longer post there. Restarting a running
    reminder changes nothing, so a double click restarts it once."""
    reminder = (
        Reminder.objects.select_for_update(of=("self",))
        .select_related("school_class")
        .get(pk=reminder.pk)
    )
    if reminder.author_id != acting_user.pk or not _may_post(
        acting_user, reminder.audience, reminder.school_class
    ):
        raise PermissionDenied
    if not reminder.active:
        tz = school_get().tz
        reminder.active = True
        reminder.next_at = next_occurrence(
            reminder.weekday, reminder.time_of_day, tz, after=timezone.now()
        )
        reminder.save(update_fields=["active", "next_at"])
    return reminder


def reminders_publish_due(*, now: dt.datetime | None = None) -> list[int]:
    """Post every reminder whose time has come, once per occurrence (a unique key), then move
    it to its next week; after downtime, a missed week is posted once, not many times. An
    author who may no longer post there has their reminder stopped. Returns the new posts."""
    now = now or timezone.now()
    tz = school_get().tz
    created: list[int] = []
    with transaction.atomic():
        due = Reminder.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            active=True, next_at__lte=now
        )
        for reminder in due.select_related("author", "school_class")[:200]:
            post = _publish_reminder(reminder, now)
            if post is not None:
                created.append(post.pk)
            reminder.next_at = next_occurrence(
                reminder.weekday, reminder.time_of_day, tz, after=now
            )
            reminder.save(update_fields=["next_at", "active"])
    return created


def _publish_reminder(reminder: Reminder, now: dt.datetime) -> Post | None:
    if not _may_post(reminder.author, reminder.audience, reminder.school_class):
        reminder.active = False
        return None
    post = Post(
        audience=reminder.audience,
        school_class=reminder.school_class,
        author=reminder.author,
        body=reminder.body,
        language=reminder.language,
        reminder=reminder,
        occurrence=reminder.next_at,
        publish_at=reminder.next_at,
        published_at=now,
    )
    try:
        with transaction.atomic():
            post.save()
    except IntegrityError:  # this occurrence was already posted
        return None
    _after_publish(post)
    return post
