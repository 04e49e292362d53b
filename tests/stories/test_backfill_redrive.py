"""A backfill is never lost (R34, and the rule of R19 that a task that never runs only delays):
choosing a language, or joining in one, records that the reader's posts are due for
translating before the task is enqueued; the worker claims it while it works and clears it when
done; a backfill nobody is doing (the broker was down when it was asked for, or its worker died)
is handed out again by beat's sweep; one the engine failed is asked for again later. Against a
Redis of the test's own that it stops and starts, never the machine's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services.accounts import account_language_set
from classes.models import School, SchoolClass
from core import queue
from core.claims import CLAIM_TTL
from stories.models import PostTranslation
from stories.services import translations as service
from stories.services.translations import (
    BACKFILL_RETRY_AFTER,
    backfills_redrive,
    posts_backfill,
)
from stories.tasks import publish_due
from tests.clock import TODAY, at
from tests.conftest import client_for
from tests.factories import InviteCodeFactory, PupilFactory
from tests.messaging.test_reliability import TaskLedger, embedded_worker, wait_until
from tests.private_redis import PrivateRedis, broker_at, private_redis, production_cache
from tests.requirements import require_or_skip
from tests.translation.standin import Route, StandIn, libretranslate_routes

from .conftest import class_post
from .test_backfill import CODE, join_reading, polish, use_engine

__all__ = ["private_redis"]  # the fixture

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)
BACKFILL = "stories.tasks.backfill_translations"


@pytest.fixture
def engine(settings: Any, stand_in: Callable[[dict[str, Route]], StandIn]) -> StandIn:
    server = stand_in(libretranslate_routes(polish))
    use_engine(settings, server.url)
    return server


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """The backfills the services and the sweep enqueue (never run here)."""
    from accounts.services import accounts, invites
    from stories import tasks

    sent: list[tuple[Any, ...]] = []
    for module in (accounts, invites, tasks):
        monkeypatch.setattr(
            module, "enqueue_on_commit", lambda task, *args: sent.append((task, *args))
        )
    return sent


def posted(teacher: User, school_class: SchoolClass, body: str, days_ago: int) -> None:
    with at(TODAY - dt.timedelta(days=days_ago)):
        class_post(teacher, school_class, body=body)


def due_at(user: User) -> dt.datetime | None:
    return User.objects.values_list("translations_due_at", flat=True).get(pk=user.pk)


def backfills(queued: list[tuple[Any, ...]]) -> list[int]:
    return [args[0] for task, *args in queued if task == BACKFILL]


def test_R34_choosing_a_language_records_the_backfill_before_enqueueing_it(
    parent_with_child, queued: list[tuple[Any, ...]]
) -> None:
    parent, _maya = parent_with_child
    with at(TODAY):
        account_language_set(acting_user=parent, user=parent, language="pl")
        assert due_at(parent) == timezone.now()
    assert backfills(queued) == [parent.pk]


def test_R34_joining_in_polish_records_the_backfill(
    school_class, queued: list[tuple[Any, ...]], django_capture_on_commit_callbacks
) -> None:
    pupil = PupilFactory(school_class=school_class)
    InviteCodeFactory(pupil=pupil, code=CODE)
    with django_capture_on_commit_callbacks(execute=True):
        parent = join_reading("pl", pupil).parent
    assert due_at(parent) is not None
    assert backfills(queued) == [parent.pk]


def test_R34_the_worker_clears_the_backfill_it_has_done(
    engine: StandIn, teacher, school_class, parent_with_child, queued
) -> None:
    parent, _maya = parent_with_child
    posted(teacher, school_class, "Trip on Friday.", days_ago=2)
    PostTranslation.objects.all().delete()
    account_language_set(acting_user=parent, user=parent, language="pl")

    assert posts_backfill(parent.pk) == 1

    assert due_at(parent) is None
    assert PostTranslation.objects.get(language="pl").body == "[en>pl] Trip on Friday."


def test_R34_a_backfill_nobody_does_is_handed_out_again_by_the_sweep_once(
    parent_with_child, queued: list[tuple[Any, ...]]
) -> None:
    parent, _maya = parent_with_child
    with at(TODAY) as clock:
        account_language_set(acting_user=parent, user=parent, language="pl")
        queued.clear()  # the task was lost: the broker was down

        clock.shift(CLAIM_TTL / 2)
        publish_due()  # the worker may still be at it: left alone
        assert backfills(queued) == []

        clock.shift(MINUTE)
        publish_due()
        assert backfills(queued) == [parent.pk]
        assert due_at(parent) == timezone.now()  # restamped: the next sweep leaves it

        clock.shift(CLAIM_TTL / 2)
        publish_due()
        assert backfills(queued) == [parent.pk]


def test_R34_a_backfill_the_engine_failed_is_asked_for_again_later(
    settings: Any, teacher, school_class, parent_with_child, queued
) -> None:
    from tests.translation.test_translation import free_port

    parent, _maya = parent_with_child
    for day in (3, 2, 1):
        posted(teacher, school_class, f"Day {day}.", days_ago=day)
    PostTranslation.objects.all().delete()
    use_engine(settings, f"http://127.0.0.1:{free_port()}")  # nothing answers
    with at(TODAY):
        account_language_set(acting_user=parent, user=parent, language="pl")
        assert posts_backfill(parent.pk) == 0
        retry = due_at(parent)
        assert retry is not None and retry >= timezone.now() + BACKFILL_RETRY_AFTER - MINUTE
        assert backfills_redrive(timezone.now() + MINUTE * 5) == []
        assert backfills_redrive(retry + CLAIM_TTL + MINUTE) == [parent.pk]


def test_R34_a_language_chosen_again_while_the_worker_translates_stays_due(
    engine: StandIn, teacher, school_class, parent_with_child, queued, monkeypatch
) -> None:
    """The reader asked again during the run (a new stamp): the end of this run does not
    clear what the new one must do."""
    parent, _maya = parent_with_child
    posted(teacher, school_class, "Trip on Friday.", days_ago=2)
    PostTranslation.objects.all().delete()
    account_language_set(acting_user=parent, user=parent, language="pl")
    asked_again = TODAY + dt.timedelta(days=400)
    engine_call = service.translate

    def reader_asks_again(text: str, **kwargs: Any) -> str | None:
        User.objects.filter(pk=parent.pk).update(translations_due_at=asked_again)
        return engine_call(text, **kwargs)

    monkeypatch.setattr(service, "translate", reader_asks_again)
    assert posts_backfill(parent.pk) == 1
    assert due_at(parent) == asked_again


def test_R34_a_backfill_run_without_being_asked_claims_nothing(
    engine: StandIn, teacher, school_class, parent_with_child
) -> None:
    parent, _maya = parent_with_child
    User.objects.filter(pk=parent.pk).update(preferred_language="pl")
    posted(teacher, school_class, "Trip on Friday.", days_ago=2)
    PostTranslation.objects.all().delete()
    assert posts_backfill(parent.pk) == 1
    assert due_at(parent) is None


# Against a Redis that stops and starts


@pytest.mark.services
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_R34_a_language_chosen_while_redis_is_down_is_backfilled_when_it_returns(
    private_redis: PrivateRedis, engine: StandIn, teacher, school_class, parent_with_child
) -> None:
    require_or_skip(
        connection.vendor == "postgresql",
        "needs PostgreSQL: the worker's thread shares the test database",
    )
    School.objects.get_or_create(singleton=True, defaults={"name": "School"})
    parent, _maya = parent_with_child
    for day in (9, 5, 1):
        posted(teacher, school_class, f"News of day {day}.", days_ago=day)
    PostTranslation.objects.all().delete()  # made by the eager tasks of publishing
    translated = PostTranslation.objects.filter(language="pl")
    with production_cache(private_redis, retry_seconds=1), at(TODAY) as clock:
        private_redis.stop()
        with broker_at(private_redis.url()):
            response = client_for(parent).post(reverse("account_settings"), {"language": "pl"})
        assert response.status_code == 302
        assert User.objects.get(pk=parent.pk).preferred_language == "pl"
        assert due_at(parent) is not None and not translated.exists()

        private_redis.start()
        # The worker and beat are processes of their own, whose view of the broker is not the
        # web process's (this one's circuit opened in the outage).
        queue.breaker_reset()
        clock.shift(2 * MINUTE)
        with (
            broker_at(private_redis.url()),
            embedded_worker(),
            TaskLedger().listening() as ledger,
        ):
            publish_due.apply_async()  # as beat sends it, now that the broker answers
            wait_until(lambda: translated.count() == 3)
            wait_until(ledger.settled)
            wait_until(lambda: due_at(parent) is None)
            clock.shift(MINUTE)
            publish_due.apply_async()  # the next sweep: nothing is due any more
            wait_until(ledger.settled)
    assert sorted(translated.values_list("body", flat=True)) == [
        f"[en>pl] News of day {day}." for day in (1, 5, 9)
    ]
    assert ledger.published == 3  # two sweeps and the one backfill they handed out
