"""Redis down takes nothing down (issue 13): with the production settings — Redis as the cache
and as the Celery broker, as docker-compose.yml runs it — and that Redis stopped, every page
answers, a parent's message and a teacher's post are stored, sign-in's limits still hold, and
``/healthz`` says what is down; when Redis returns the processes go back to it within seconds
and each notification goes out once. Against a Redis that the test starts on its own port and
stops in the middle. The figures (time to recover, requests that failed) are printed."""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.sign_in_limits import REFUSED_HERE
from classes.models import Pupil, School, SchoolClass
from core.cache import cache_state
from messaging.models import Message
from messaging.tasks import sweep_notices
from notifications.models import Kind, Notification
from notifications.tasks import sweep_notifications
from stories.models import Post
from stories.tasks import publish_due
from tests.clock import at
from tests.conftest import client_for
from tests.factories import PASSWORD
from tests.private_redis import PrivateRedis, broker_at, private_redis, production_cache

__all__ = ["private_redis"]  # the fixture

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, databases="__all__")]

LONDON = zoneinfo.ZoneInfo("Europe/London")
TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)


@contextmanager
def production(server: PrivateRedis) -> Iterator[None]:
    with production_cache(server, retry_seconds=1), broker_at(server.url()):
        yield


@pytest.fixture(autouse=True)
def _school_row(db: None) -> None:
    School.objects.get_or_create(singleton=True, defaults={"name": "School"})


class Timed:
    """Every request of the outage: its status and how long it took."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int, float]] = []

    def __call__(self, what: str, request: Any) -> Any:
        started = time.monotonic()
        response = request()
        self.seen.append((what, response.status_code, time.monotonic() - started))
        return response

    def failed(self) -> list[tuple[str, int, float]]:
        return [seen for seen in self.seen if seen[1] >= 500]

    def slowest(self) -> float:
        return max(seconds for _what, _status, seconds in self.seen)


def pages(timed: Timed, parent: User, teacher: User) -> None:
    parent_client, teacher_client, visitor = client_for(parent), client_for(teacher), Client()
    for who, client in (("parent", parent_client), ("teacher", teacher_client)):
        assert (
            timed(f"{who} feed", lambda c=client: c.get(reverse("stories_feed"))).status_code
            == 200
        )
        assert (
            timed(f"{who} inbox", lambda c=client: c.get(reverse("messaging_inbox"))).status_code
            == 200
        )
    assert timed("sign-in page", lambda: visitor.get(reverse("account_login"))).status_code == 200
    notice = timed("privacy notice", lambda: visitor.get(reverse("privacy_notice_parents")))
    assert notice.status_code == 200
    assert timed("healthz", lambda: visitor.get("/healthz")).status_code == 200


def test_with_redis_stopped_every_page_answers_and_nothing_is_lost(
    private_redis, school, parent_with_child, teacher, school_class, mailoutbox
) -> None:
    parent, maya = parent_with_child
    timed = Timed()
    with production(private_redis), at(TUESDAY_1000) as clock:
        pages(timed, parent, teacher)  # warm: the cache is Redis's
        assert Client().get("/healthz").json()["checks"]["cache"]["status"] == "ok"
        private_redis.stop()
        outage = Timed()

        pages(outage, parent, teacher)
        health = Client().get("/healthz").json()["checks"]
        assert health["cache"]["status"] == health["broker"]["status"] == "down", health
        sent = outage("parent's message", lambda: send_message(parent, maya, teacher))
        assert sent.status_code == 200 and "Is PE on Friday?" in sent.content.decode()
        posted = outage("teacher's post", lambda: post(teacher, school_class))
        assert posted.status_code == 302
        assert_sign_in_limits_hold(outage, teacher)
        pages(outage, parent, teacher)

        clock.shift(dt.timedelta(minutes=1))
        private_redis.start()
        recovered = seconds_until_up()
        pages(timed, parent, teacher)

    assert outage.failed() == [], outage.failed()
    assert outage.slowest() < 2.5, outage.seen
    assert recovered < 3, recovered
    print(  # the figures for the record (pytest -s shows them)
        f"\noutage: {len(outage.seen)} requests, {len(outage.failed())} failed, slowest "
        f"{outage.slowest():.2f} s; Redis back: the cache is used again after {recovered:.2f} s"
    )
    assert Message.objects.get().body == "Is PE on Friday?"
    assert Post.objects.get().body == "Sports day is on Friday."
    each_notification_goes_out_once(parent, teacher, mailoutbox)


def send_message(parent: User, maya: Pupil, teacher: User) -> Any:
    return client_for(parent).post(
        reverse("messaging_start"),
        {"to": f"{maya.pk}-{teacher.pk}", "body": "Is PE on Friday?", "route": "teacher"},
        follow=True,
    )


def post(teacher: User, school_class: SchoolClass) -> Any:
    return client_for(teacher).post(
        reverse("stories_new_class", args=[school_class.pk]), {"body": "Sports day is on Friday."}
    )


def assert_sign_in_limits_hold(timed: Timed, teacher: User) -> None:
    """Counted in the database while Redis is away: five typos from one address pause it."""
    assert teacher.email
    for _attempt in range(5):
        wrong = timed(
            "wrong password", lambda: sign_in(teacher.email or "", "wrong", "198.51.100.1")
        )
        assert wrong.status_code == 200
    refused = timed(
        "right password, paused", lambda: sign_in(teacher.email or "", PASSWORD, "198.51.100.1")
    )
    assert refused.status_code == 429
    assert str(REFUSED_HERE) % {"time": "10:15"} in refused.content.decode().replace("&#x27;", "'")
    elsewhere = timed(
        "right password, elsewhere", lambda: sign_in(teacher.email or "", PASSWORD, "198.51.100.2")
    )
    assert elsewhere.status_code == 302


def sign_in(email: str, password: str, ip: str) -> Any:
    return Client().post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip
    )


def seconds_until_up() -> float:
    """From Redis answering again to this process serving from it."""
    started = time.monotonic()
    while cache_state() != "up":
        assert time.monotonic() - started < 30, "the cache never came back"
        time.sleep(0.05)
    return time.monotonic() - started


def each_notification_goes_out_once(parent: User, teacher: User, mailoutbox: list[Any]) -> None:
    """Beat's sweeps, two rounds a minute apart (eagerly: the broker's part is proven by
    tests/messaging/test_reliability.py), tell each person once."""
    for minutes in (2, 3):
        with at(TUESDAY_1000 + dt.timedelta(minutes=minutes)):
            publish_due()
            sweep_notices()
            sweep_notifications()
    assert Notification.objects.filter(recipient=teacher, kind=Kind.NEW_MESSAGE).count() == 1
    assert Notification.objects.filter(recipient=parent, kind=Kind.NEW_POST).count() == 1
    assert [email.to for email in mailoutbox].count([teacher.email]) == 1
    assert Post.objects.get().notified_at is not None
    cache.clear()
