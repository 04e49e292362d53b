"""Calendar files (R35): every event's .ics download, and each parent's private, revocable feed
of their children's events, the term dates and the closures. A revoked, guessed or unsigned
address is an empty 404 that names nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from events import ics
from events.models import CalendarFeed
from events.tokens import feed_token
from tests.clock import at
from tests.conftest import client_for
from tests.factories import (
    ClosureFactory,
    ParentLinkFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
)

from .conftest import trip

pytestmark = pytest.mark.usefixtures("school")


def feed_url(client: Client) -> str:
    """The address the parent's calendar page hands out, as a path."""
    page = client.get(reverse("events_calendar"))
    assert page.status_code == 200
    return page.context["url"].split("testserver", 1)[1]


def test_R35_an_event_downloads_as_an_ics_file(teacher, school_class, parent_with_child):
    parent, _child = parent_with_child
    event = trip(teacher, school_class)
    response = client_for(parent).get(reverse("events_ics", args=[event.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="event-{event.pk}.ics"'
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VEVENT\r\nEND:VCALENDAR\r\n")
    # 4 December is on Greenwich Mean Time: 09:30 in London is 09:30 UTC.
    assert "DTSTART:20261204T093000Z\r\n" in body and "DTEND:20261204T150000Z\r\n" in body
    assert "SUMMARY:Trip to the farm\r\n" in body
    assert "LOCATION:Hill Farm\\, Long Lane\r\n" in body
    assert "What to bring: Wellies\\; a packed lunch" in body.replace("\r\n ", "")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_R35_an_all_day_event_has_dates_and_ends_the_day_after(teacher, school_class) -> None:
    event = trip(
        teacher,
        school_class,
        all_day=True,
        starts_on=dt.date(2026, 12, 7),
        ends_on=dt.date(2026, 12, 9),
        reply_by=None,
    )
    body = client_for(teacher).get(reverse("events_ics", args=[event.pk])).content.decode()
    assert "DTSTART;VALUE=DATE:20261207\r\n" in body and "DTEND;VALUE=DATE:20261210\r\n" in body


def test_ics_text_is_escaped_and_folded_without_splitting_a_character() -> None:
    assert ics.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "DESCRIPTION:" + "ż" * 100
    folded = ics.fold(line).split("\r\n")
    assert all(len(part.encode()) <= 75 for part in folded)
    assert "".join(part.removeprefix(" ") for part in folded) == line


def test_R35_a_parent_s_feed_has_their_children_s_events_term_dates_and_closures(
    teacher, school_class, parent_with_child
) -> None:
    parent, _child = parent_with_child
    trip(teacher, school_class)
    ash = SchoolClassFactory(name="Ash")
    trip(assign_teacher(TeacherFactory(), ash), ash, title="Ash class assembly")
    ClosureFactory(
        starts_on=dt.date(2026, 12, 21), ends_on=dt.date(2027, 1, 4), reason="Christmas holiday"
    )
    url = feed_url(client_for(parent))
    response = Client().get(url)  # a calendar app: no session
    body = response.content.decode()
    assert response.status_code == 200
    assert "SUMMARY:Trip to the farm" in body
    assert "Ash class assembly" not in body
    assert "SUMMARY:School closed: Christmas holiday" in body
    assert "DTSTART;VALUE=DATE:20261221\r\nDTEND;VALUE=DATE:20270105" in body
    # The spring term starts on the first working day after the holiday's closure.
    assert "UID:term-20270105@dojo-portal\r\n" in body and "SUMMARY:Spring term starts" in body
    assert "SUMMARY:Autumn term starts" in body


def test_R35_the_feed_is_in_the_parent_s_language(teacher, school_class, parent_with_child):
    parent, _child = parent_with_child
    parent.preferred_language = "pl"
    parent.save()
    url = feed_url(client_for(parent))
    assert "Początek semestru jesiennego" in Client().get(url).content.decode()


def test_R35_a_parent_s_address_stays_the_same_until_they_make_a_new_one(parent_with_child):
    parent, _child = parent_with_child
    client = client_for(parent)
    first = feed_url(client)
    assert feed_url(client) == first
    page = client.post(reverse("events_calendar_revoke"), follow=True)
    assert "The old calendar address no longer works." in page.content.decode()
    second = page.context["url"].split("testserver", 1)[1]
    assert second != first
    assert Client().get(second).status_code == 200
    assert CalendarFeed.objects.filter(parent=parent, revoked_at__isnull=True).count() == 1


def _assert_empty_404(url: str, school) -> None:
    response = Client().get(url)
    assert response.status_code == 404
    assert response.content == b""
    assert school.name.encode() not in response.content


def test_R35_a_revoked_guessed_or_unsigned_feed_address_is_an_empty_404(
    school, parent_with_child
) -> None:
    parent, _child = parent_with_child
    client = client_for(parent)
    revoked = feed_url(client)
    client.post(reverse("events_calendar_revoke"))
    _assert_empty_404(revoked, school)
    live = CalendarFeed.objects.get(parent=parent, revoked_at__isnull=True)
    guessed = reverse("events_feed", args=[live.key])  # the key without its signature
    _assert_empty_404(guessed, school)
    forged = reverse("events_feed", args=[f"{live.key}:{'A' * 43}"])
    _assert_empty_404(forged, school)
    unknown = reverse("events_feed", args=[feed_token("never-handed-out")])
    _assert_empty_404(unknown, school)


def test_R35_a_feed_stops_when_its_parent_can_no_longer_sign_in(school, parent_with_child):
    parent, _child = parent_with_child
    url = feed_url(client_for(parent))
    parent.is_active = False
    parent.save()
    _assert_empty_404(url, school)


def test_R35_another_family_s_feed_shows_only_their_children_s_events(
    teacher, school_class
) -> None:
    trip(teacher, school_class)
    other = ParentLinkFactory(pupil__school_class=SchoolClassFactory(name="Ash")).parent
    body = Client().get(feed_url(client_for(other))).content.decode()
    assert "Trip to the farm" not in body


def test_R35_only_parents_have_a_calendar_address(teacher) -> None:
    client = client_for(teacher)
    assert client.get(reverse("events_calendar")).status_code == 404
    assert client.post(reverse("events_calendar_revoke")).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_R35_the_feed_still_lists_an_event_after_its_day(teacher, school_class, parent_with_child):
    parent, _child = parent_with_child
    trip(teacher, school_class)
    url = feed_url(client_for(parent))
    with at(dt.datetime(2027, 1, 10, 9, 0, tzinfo=dt.UTC)):
        assert "Trip to the farm" in Client().get(url).content.decode()
