"""The event and Upcoming pages are a fixed number of queries whatever the number of children,
replies and events (R35)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.services.replies import reply_set
from tests.conftest import client_for
from tests.factories import ClosureFactory, ParentLinkFactory, PupilFactory

from .conftest import trip

pytestmark = pytest.mark.usefixtures("school")


def count_queries(client: Client, url: str) -> int:
    """SQL statements of one page view after the first (the caches warm), savepoints left out."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len([q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]])


def families(school_class, count: int) -> list:
    return [ParentLinkFactory(pupil__school_class=school_class) for _ in range(count)]


def test_R35_event_page_is_fixed_in_queries_at_2_and_20_children(teacher, school_class):
    links = families(school_class, 2)
    event = trip(teacher, school_class)
    reply_set(acting_user=links[0].parent, event=event, pupil=links[0].pupil, answer="going")
    url = reverse("events_event", args=[event.pk])
    parent = links[0].parent
    small = {"teacher": count_queries(client_for(teacher), url)}
    small["parent"] = count_queries(client_for(parent), url)
    for link in families(school_class, 18):
        reply_set(acting_user=link.parent, event=event, pupil=link.pupil, answer="maybe")
    # The parent's second and third children in the class, answered for.
    for _ in range(2):
        child = PupilFactory(school_class=school_class)
        ParentLinkFactory(parent=parent, pupil=child)
        reply_set(acting_user=parent, event=event, pupil=child, answer="going")
    large = {"teacher": count_queries(client_for(teacher), url)}
    large["parent"] = count_queries(client_for(parent), url)
    assert large == small
    page = client_for(teacher).get(url).context["page"]
    assert len(page.replies.answered) == 21


def test_R35_upcoming_is_fixed_in_queries_at_1_and_12_events(
    teacher, school_class, parent_with_child
) -> None:
    parent, _child = parent_with_child
    trip(teacher, school_class)
    url = reverse("events_upcoming")
    small = {"parent": count_queries(client_for(parent), url)}
    small["teacher"] = count_queries(client_for(teacher), url)
    for day in range(11):
        trip(
            teacher,
            school_class,
            title=f"Event {day}",
            starts_on=dt.date(2026, 12, 7) + dt.timedelta(days=day),
            reply_by=None,
        )
    ClosureFactory.create_batch(5, starts_on=dt.date(2027, 2, 15), ends_on=dt.date(2027, 2, 19))
    large = {"parent": count_queries(client_for(parent), url)}
    large["teacher"] = count_queries(client_for(teacher), url)
    assert large == small
    assert "Event 10" in client_for(parent).get(url).content.decode()
