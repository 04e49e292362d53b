"""The bell on every page (R31): its unread count is one query, none while cached, whatever the
number of notifications; it is out of date at once when something is recorded or read, and a
staff notification held for the working morning (R19) appears when its time comes. An urgent
announcement is a banner on every page until its reader says they have read it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from notifications.models import Notification
from notifications.selectors import BELL_SECONDS, Bell, _bell_key, bell_for
from notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
    notify,
)
from tests.conftest import client_for
from tests.factories import ParentFactory

from .helpers import (
    FRIDAY_1730,
    MINUTE,
    MONDAY_0800,
    SATURDAY_1000,
    at,
    message_event,
    parent_message_event,
    post_event,
    urgent_event,
)

pytestmark = pytest.mark.django_db

BANNER = 'class="urgent-banner"'
SNOW = "Snow: the school is closed today. Please keep children at home."


def bell_html(count: int) -> str:
    return f'<span class="bell-count">{count}<span class="visually-hidden"> unread</span>'


def page_queries(client: Client, url: str) -> int:
    """The queries of one page (savepoints, the test's own, left out)."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len([q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]])


# One query cold, none warm


@pytest.mark.parametrize("count", [1, 200])
def test_R31_the_bell_is_one_query_cold_and_none_warm(
    school, parent: User, count: int, django_assert_num_queries
) -> None:
    notify([post_event(parent, number) for number in range(count)])

    with django_assert_num_queries(1):
        assert bell_for(parent).unread == count
    with django_assert_num_queries(0):
        assert bell_for(parent).unread == count


def test_R31_the_bell_on_a_page_costs_one_query_when_cold_at_1_and_200(
    school, parent: User
) -> None:
    notify([post_event(parent, 0)])
    client = client_for(parent)  # the bell is warm
    url = reverse("notification_settings")
    warm_small = page_queries(client, url)
    notify([post_event(parent, number) for number in range(1, 200)])  # drops the bell
    cold_large = page_queries(client, url)
    warm_large = page_queries(client, url)

    assert cold_large == warm_large + 1
    assert warm_small == warm_large
    assert bell_html(200) in client.get(url).content.decode()


# Out of date when something happens


def test_R31_the_bell_counts_a_new_notification_at_once(school, parent: User) -> None:
    notify([message_event(parent, 1)])
    client = client_for(parent)
    assert bell_html(1) in client.get(reverse("stories_feed")).content.decode()

    notify([message_event(parent, 2)])

    assert bell_html(2) in client.get(reverse("stories_feed")).content.decode()


def test_R31_the_bell_drops_when_something_is_read(school, parent: User) -> None:
    notify([message_event(parent, 1), message_event(parent, 2), post_event(parent, 3)])
    assert bell_for(parent).unread == 3

    notification_mark_read(
        acting_user=parent, notification=Notification.objects.get(key="message:1")
    )
    assert bell_for(parent).unread == 2
    notifications_mark_all_read(acting_user=parent)
    assert bell_for(parent).unread == 0
    assert (
        client_for(parent)
        .get(reverse("stories_feed"))
        .content.decode()
        .count('class="bell-count"')
        == 0
    )


def test_R31_one_persons_news_leaves_anothers_bell_alone(school, parent: User) -> None:
    other = ParentFactory()
    notify([message_event(other)])
    assert bell_for(other).unread == 1

    notify([message_event(parent)])

    assert bell_for(parent).unread == 1
    assert bell_for(other).unread == 1


def test_R31_R19_a_held_staff_notification_rings_the_cached_bell_when_its_time_comes(
    school, teacher: User
) -> None:
    with at(FRIDAY_1730) as clock:
        notify([parent_message_event(teacher)])  # held until Monday 08:00
        client = client_for(teacher)  # the bell is cached on Friday evening
        clock.move_to(FRIDAY_1730 + MINUTE)
        assert bell_for(teacher).unread == 0
        assert 'class="bell-count"' not in client.get(reverse("stories_feed")).content.decode()
        clock.move_to(SATURDAY_1000)
        assert bell_for(teacher).unread == 0

        clock.move_to(MONDAY_0800)
        assert bell_for(teacher).unread == 1
        assert bell_html(1) in client.get(reverse("stories_feed")).content.decode()


def test_R31_R19_a_bell_cached_a_minute_before_a_held_notification_is_due_rings_on_time(
    school, teacher: User
) -> None:
    """The cached bell itself knows when it goes out of date: at 08:00 the cache still holds
    the bell read at 07:59, and the page shows the held notification all the same."""
    with at(MONDAY_0800 - MINUTE) as clock:
        notify([parent_message_event(teacher)], now=FRIDAY_1730)  # held until Monday 08:00
        client = client_for(teacher)
        assert bell_for(teacher).unread == 0

        clock.move_to(MONDAY_0800)
        assert cache.get(_bell_key(teacher.pk)) is not None  # not expired by the cache
        assert bell_html(1) in client.get(reverse("stories_feed")).content.decode()
        assert bell_for(teacher).unread == 1


def test_R31_a_bell_read_while_a_notification_is_recorded_is_dropped_when_it_commits(
    school, teacher: User, django_capture_on_commit_callbacks
) -> None:
    """A page read in another connection while the notification's transaction is open does not
    see it, and caches the bell without it: the bell is dropped again when the transaction
    commits, so the next page rings rather than a cached bell hiding it for minutes."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify([message_event(teacher)])
        cache.set(_bell_key(teacher.pk), Bell(0), BELL_SECONDS)  # the other page's bell

    assert bell_for(teacher).unread == 1


# The urgent banner


def urgent_for(*parents: User) -> None:
    notify([urgent_event(parent, 1, excerpt=SNOW) for parent in parents])


@pytest.mark.parametrize(
    "url_name", ["stories_feed", "messaging_inbox", "notifications", "notification_settings"]
)
def test_R31_an_urgent_announcement_is_a_banner_on_every_page(
    school, parent: User, url_name: str
) -> None:
    urgent_for(parent)

    html = client_for(parent).get(reverse(url_name)).content.decode()

    assert BANNER in html and "Urgent announcement" in html
    assert SNOW in html
    assert "I have read it" in html


def test_R31_i_have_read_it_clears_the_banner_on_every_page(school, parent: User) -> None:
    other = ParentFactory()
    urgent_for(parent, other)
    client = client_for(parent)
    notification = Notification.objects.get(recipient=parent)
    feed = reverse("stories_feed")

    response = client.post(
        reverse("notification_read", args=[notification.pk]), {"next": feed}, follow=True
    )

    assert response.redirect_chain == [(feed, 302)]
    for url in (feed, reverse("messaging_inbox"), reverse("notification_settings")):
        html = client.get(url).content.decode()
        assert BANNER not in html and SNOW not in html
    # It stays in the list of notifications, read.
    html = client.get(reverse("notifications")).content.decode()
    assert BANNER not in html and f"Urgent: {SNOW}" in html
    notification.refresh_from_db()
    assert notification.read_at is not None
    # Another parent's banner stays until they read it.
    assert SNOW in client_for(other).get(feed).content.decode()


def test_R31_opening_the_announcement_clears_the_banner(school, parent: User) -> None:
    urgent_for(parent)
    client = client_for(parent)
    notification = Notification.objects.get(recipient=parent)

    response = client.get(reverse("notification_open", args=[notification.pk]))

    assert response.status_code == 302 and response["Location"] == notification.link
    assert BANNER not in client.get(reverse("stories_feed")).content.decode()


def test_R31_no_banner_without_an_urgent_announcement(school, parent: User) -> None:
    notify([message_event(parent)])

    html = client_for(parent).get(reverse("stories_feed")).content.decode()

    assert BANNER not in html
    assert bell_html(1) in html
