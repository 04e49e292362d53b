"""Putting an event in a story (R35): the post is written by the stories app, with its rules
(names, audience, scheduling) and its notice to families; the event adds the date, the place
and the reply deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from classes.models import SchoolClass
from classes.selectors import school_get
from stories.models import Audience
from stories.services.posts import post_create, post_update

from ..dates import starts
from ..models import Event
from ..permissions import (
    can_change_event,
    can_create_event_for_class,
    can_create_school_event,
)

END_BEFORE_START = _("The event cannot end before it starts.")
REPLY_BY_PAST = _("The reply deadline has passed already: choose a later one.")
REPLY_BY_AFTER_START = _("Replies must be needed before the event starts.")
IN_THE_PAST = _("The event has started already: choose a later date or time.")
TOO_FAR_AHEAD = _("An event can be up to two years ahead.")


def _may_create(user: User, audience: str, school_class: SchoolClass | None) -> bool:
    if audience == Audience.SCHOOL:
        return can_create_school_event(user)
    return school_class is not None and can_create_event_for_class(user, school_class)


def _check_dates(event: Event, now: dt.datetime, *, reply_by_changed: bool = True) -> None:
    tz = school_get().tz
    errors: dict[str, object] = {}
    if event.ends_on < event.starts_on or (
        event.ends_on == event.starts_on
        and event.starts_at
        and event.ends_at
        and event.ends_at <= event.starts_at
    ):
        errors["ends_at" if event.ends_on == event.starts_on else "ends_on"] = END_BEFORE_START
    start, today = starts(event, tz), now.astimezone(tz).date()
    if (start <= now and not event.all_day) or event.starts_on < today:
        errors["starts_on"] = IN_THE_PAST
    elif event.starts_on > today + dt.timedelta(days=731):
        errors["starts_on"] = TOO_FAR_AHEAD
    if event.reply_by is not None:
        if event.reply_by <= now and reply_by_changed:
            errors["reply_by"] = REPLY_BY_PAST
        elif event.reply_by > start:
            errors["reply_by"] = REPLY_BY_AFTER_START
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def event_create(
    *,
    acting_user: User,
    audience: str,
    school_class: SchoolClass | None = None,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    all_day: bool = False,
    starts_at: dt.time | None = None,
    ends_at: dt.time | None = None,
    place: str = "",
    bring: str = "",
    reply_by: dt.datetime | None = None,
    details: str = "",
) -> Event:
    """A new event in a Class Story or the School Story, published now and told to its
    families as any post is. Refused (PermissionDenied) for someone who may not post there;
    (ValidationError, nothing written) for dates that do not fit together or text the stories
    app refuses."""
    if audience not in (Audience.CLASS, Audience.SCHOOL) or not _may_create(
        acting_user, audience, school_class
    ):
        raise PermissionDenied
    event = Event(
        title=title.strip(),
        starts_on=starts_on,
        ends_on=ends_on or starts_on,
        all_day=all_day,
        starts_at=None if all_day else starts_at,
        ends_at=None if all_day else ends_at,
        place=place.strip(),
        bring=bring.strip(),
        reply_by=reply_by,
    )
    now = timezone.now()
    event.full_clean(exclude=["post"])
    _check_dates(event, now)
    event.post = post_create(
        acting_user=acting_user,
        audience=audience,
        school_class=school_class if audience == Audience.CLASS else None,
        body=details.strip() or event.title,
    )
    event.created_at = now
    event.save()
    return event


EDITABLE = ("title", "starts_on", "ends_on", "all_day", "starts_at", "ends_at", "place", "bring")


@transaction.atomic
def event_update(
    *,
    acting_user: User,
    event: Event,
    details: str = "",
    reply_by: dt.datetime | None = None,
    **fields: Any,
) -> Event:
    """The author moves or corrects the event; its post's text follows. The answers given
    stay. Refused (PermissionDenied) for anyone but the author; (ValidationError, nothing
    changed) for dates that do not fit together, as when it was made."""
    if not can_change_event(acting_user, event):
        raise PermissionDenied
    event = Event.objects.select_for_update().select_related("post").get(pk=event.pk)
    old_reply_by = event.reply_by
    for name in EDITABLE:
        setattr(event, name, fields.get(name, getattr(event, name)))
    event.title, event.place, event.bring = (
        event.title.strip(),
        event.place.strip(),
        event.bring.strip(),
    )
    event.ends_on = event.ends_on or event.starts_on
    if event.all_day:
        event.starts_at = event.ends_at = None
    event.reply_by = reply_by
    event.full_clean(exclude=["post"])
    _check_dates(event, timezone.now(), reply_by_changed=reply_by != old_reply_by)
    post_update(
        acting_user=acting_user,
        post=event.post,
        body=details.strip() or event.title,
        tagged_ids=[],
        no_child_appears=event.post.no_child_appears,
    )
    event.save()
    return event
