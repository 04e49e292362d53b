"""What the event pages, the Upcoming list and the calendar files show (R35), each in a fixed
number of queries whatever the number of events, children or replies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from classes.models import Closure, Pupil
from classes.names import display_names
from classes.worktime import calendar_for
from points.periods import easter_sunday

from . import ics
from .dates import ends, replies_close, replies_open, starts
from .models import Answer, Event, Reply
from .permissions import (
    audience_pupils,
    can_remind,
    can_see_replies,
    children_replying,
    events_visible_to,
)

UPCOMING = 30
FEED_PAST_DAYS = 90


@dataclass(frozen=True)
class ChildAnswer:
    pupil_id: int
    name: str
    answer: str  # "" for no answer yet
    answered_at: dt.datetime | None = None


@dataclass(frozen=True)
class Replies:
    """What the author sees: every child's answer and who has not answered."""

    answered: list[ChildAnswer]
    waiting: list[ChildAnswer]
    counts: dict[str, int]
    may_remind: bool


@dataclass(frozen=True)
class EventPage:
    event: Event
    starts: dt.datetime
    ends: dt.datetime
    replies_close: dt.datetime
    open: bool
    children: list[ChildAnswer] = field(default_factory=list)
    replies: Replies | None = None


def _answers(event: Event, pupils: list[Pupil]) -> list[ChildAnswer]:
    names = display_names(pupils)
    replies = {
        reply.pupil_id: reply
        for reply in Reply.objects.filter(event=event, pupil__in=[p.pk for p in pupils])
    }
    rows = [
        ChildAnswer(
            p.pk,
            names[p.pk],
            replies[p.pk].answer if p.pk in replies else "",
            replies[p.pk].answered_at if p.pk in replies else None,
        )
        for p in pupils
    ]
    return sorted(rows, key=lambda row: row.name.casefold())


def _replies(viewer: User, event: Event, open_now: bool) -> Replies:
    rows = _answers(event, list(audience_pupils(event.post)))
    counts = dict.fromkeys(Answer.values, 0)
    for row in rows:
        if row.answer:
            counts[row.answer] += 1
    waiting = [row for row in rows if not row.answer]
    return Replies(
        answered=[row for row in rows if row.answer],
        waiting=waiting,
        counts=counts,
        may_remind=bool(
            open_now and waiting and event.reminded_at is None and can_remind(viewer, event)
        ),
    )


def event_page(*, viewer: User, event: Event, tz: ZoneInfo, now: dt.datetime) -> EventPage:
    """The event as ``viewer`` sees it: a parent their children's answers, the author (and
    leaders) everyone's and who has not answered."""
    open_now = replies_open(event, tz, now)
    children = _answers(event, list(children_replying(viewer, event)))
    return EventPage(
        event=event,
        starts=starts(event, tz),
        ends=ends(event, tz),
        replies_close=replies_close(event, tz),
        open=open_now,
        children=children,
        replies=_replies(viewer, event, open_now) if can_see_replies(viewer, event) else None,
    )


@dataclass(frozen=True)
class UpcomingItem:
    """One line of the Upcoming list: an event, or a closure (``event`` None)."""

    title: str
    starts_on: dt.date
    ends_on: dt.date
    starts_at: dt.time | None = None
    place: str = ""
    reply_by: dt.datetime | None = None
    event: Event | None = None


def _upcoming_events(viewer: User, today: dt.date) -> list[UpcomingItem]:
    events = (
        events_visible_to(viewer)
        .filter(ends_on__gte=today)
        .select_related("post", "post__school_class")
        .order_by("starts_on", "starts_at", "pk")[:UPCOMING]
    )
    return [
        UpcomingItem(e.title, e.starts_on, e.ends_on, e.starts_at, e.place, e.reply_by, e)
        for e in events
    ]


def _upcoming_closures(today: dt.date) -> list[UpcomingItem]:
    closures = Closure.objects.filter(ends_on__gte=today).order_by("starts_on")[:UPCOMING]
    return [UpcomingItem(c.reason, c.starts_on, c.ends_on) for c in closures]


def upcoming_for(*, viewer: User, today: dt.date) -> list[UpcomingItem]:
    """The next events ``viewer`` may see and the school's next closures, soonest first (two
    queries)."""
    items = _upcoming_events(viewer, today) + _upcoming_closures(today)
    items.sort(key=lambda item: (item.starts_on, item.starts_at or dt.time.min))
    return items[:UPCOMING]


def _link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def event_entry(event: Event, tz: ZoneInfo) -> ics.Entry:
    """One event as a calendar entry."""
    details = [event.post.body] if event.post.body != event.title else []
    if event.bring:
        details.append(_("What to bring: %(bring)s") % {"bring": event.bring})
    if event.reply_by:
        when = event.reply_by.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        details.append(_("Reply needed by %(when)s") % {"when": when})
    if event.all_day:
        start: dt.date | dt.datetime = event.starts_on
        end: dt.date | dt.datetime | None = event.ends_on + dt.timedelta(days=1)
    else:
        start, end = starts(event, tz), ends(event, tz) if event.ends_at else None
    return ics.Entry(
        uid=f"event-{event.pk}@dojo-portal",
        summary=event.title,
        start=start,
        end=end,
        location=event.place,
        description="\n\n".join(details),
        url=_link(reverse("events_event", args=[event.pk])),
    )


def _term_entries(today: dt.date) -> list[ics.Entry]:
    """The first day of each term, last year to next (``points.periods``' terms, moved to the
    school's next working day, past a closure entered for the holidays)."""
    calendar = calendar_for()
    entries = []
    for year in (today.year - 1, today.year, today.year + 1):
        terms = (
            (dt.date(year, 1, 1), _("Spring term starts")),
            (easter_sunday(year) + dt.timedelta(days=15), _("Summer term starts")),
            (dt.date(year, 9, 1), _("Autumn term starts")),
        )
        for first, title in terms:
            day = calendar.next_working_day(first)
            entries.append(ics.Entry(f"term-{day:%Y%m%d}@dojo-portal", title, day, day + _DAY))
    return entries


_DAY = dt.timedelta(days=1)


def _closure_entries() -> list[ics.Entry]:
    return [
        ics.Entry(
            f"closure-{c.pk}@dojo-portal",
            _("School closed: %(reason)s") % {"reason": c.reason},
            c.starts_on,
            c.ends_on + _DAY,
        )
        for c in Closure.objects.order_by("starts_on")
    ]


def feed_entries(*, parent: User, tz: ZoneInfo, today: dt.date) -> list[ics.Entry]:
    """A parent's calendar: their children's events (from three months back), the school's
    closures and the term dates."""
    since = today - dt.timedelta(days=FEED_PAST_DAYS)
    events = (
        events_visible_to(parent)
        .filter(Q(ends_on__gte=since))
        .select_related("post")
        .order_by("starts_on", "pk")
    )
    return [event_entry(event, tz) for event in events] + _closure_entries() + _term_entries(today)
