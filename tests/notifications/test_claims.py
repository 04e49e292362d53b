"""Claims that die with their worker (issue 13, item 6): an email, push or digest claimed by a
worker that was killed is taken over by the first sweep after ``CLAIM_TTL`` (45 s), so within
two minutes with beat's sweep every minute; a claim its worker keeps renewing is never taken,
so two live workers never send the same email. ``test_worker_killed.py`` does it with a real
worker killed by PID."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.core import mail
from django.db import DatabaseError

from accounts.models import User
from core.claims import CLAIM_TTL, ClaimKeeper, stamp_renewal
from notifications import emails
from notifications.models import Delivery, DigestSent, Notification
from notifications.services import notify
from notifications.sweep import deliveries_due, pushes_due
from notifications.tasks import sweep_notifications
from tests.clock import at

from .helpers import DIGEST_SUBJECT, TUESDAY_1000, message_event, post_event, sent_to

SECOND = dt.timedelta(seconds=1)
# Beat sweeps every minute: the first sweep after the claim is lost comes at most this late.
SWEEP_EVERY = dt.timedelta(minutes=1)
TWO_MINUTES = dt.timedelta(minutes=2)


def killed_mid_batch(parent: User, count: int) -> tuple[list[int], dt.datetime]:
    """``count`` emails due for ``parent``; a worker claims them all and dies before sending
    any (what a SIGKILL leaves behind). Returns their ids and the moment of the claim."""
    notify([message_event(parent, number) for number in range(count)], now=TUESDAY_1000)
    ids = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    with at(TUESDAY_1000):
        assert len(emails._claim(ids, TUESDAY_1000)) == count
    return ids, TUESDAY_1000


def sweep_at(moment: dt.datetime) -> None:
    """What beat does every minute (Celery is eager in tests: the emails go at once)."""
    with at(moment):
        sweep_notifications()


def test_claims_are_short_enough_to_be_taken_over_within_two_minutes() -> None:
    assert CLAIM_TTL + SWEEP_EVERY < TWO_MINUTES


def test_R31_emails_claimed_by_a_killed_worker_go_out_with_the_first_sweep_after_45_s(
    school, parent: User
) -> None:
    ids, claimed = killed_mid_batch(parent, 3)

    assert deliveries_due(now=claimed + CLAIM_TTL - SECOND).emails == []  # may still be alive
    sweep_at(claimed + CLAIM_TTL - SECOND)
    assert sent_to(parent) == []
    sweep_at(claimed + CLAIM_TTL + SECOND)

    assert len(sent_to(parent)) == 3
    states = Notification.objects.filter(pk__in=ids).values_list("email_state", flat=True)
    assert set(states) == {Delivery.SENT}
    sweep_at(claimed + TWO_MINUTES)
    assert len(sent_to(parent)) == 3  # once each


def test_R31_a_claim_its_live_worker_renews_is_never_taken_over(school, parent: User) -> None:
    ids, claimed = killed_mid_batch(parent, 2)
    claims = Notification.objects.filter(pk__in=ids, email_state=Delivery.SENDING)
    keeper = ClaimKeeper(stamp_renewal(claims, "email_next_at", claimed))
    # Still sending, ten minutes on: the worker's thread renewed the claim every 15 s.
    for seconds in range(15, 601, 15):
        with at(claimed + dt.timedelta(seconds=seconds)):
            assert keeper.renew_now()
    last = claimed + dt.timedelta(seconds=600)

    assert deliveries_due(now=last + CLAIM_TTL - SECOND).emails == []
    assert set(claims.values_list("email_next_at", flat=True)) == {last}


def test_a_renewal_leaves_claims_settled_or_taken_by_another_worker(school, parent: User) -> None:
    ids, claimed = killed_mid_batch(parent, 3)
    sent, taken, held = ids
    Notification.objects.filter(pk=sent).update(email_state=Delivery.SENT)
    another = claimed + 5 * SECOND
    Notification.objects.filter(pk=taken).update(email_next_at=another)
    claims = Notification.objects.filter(pk__in=ids, email_state=Delivery.SENDING)
    renew = stamp_renewal(claims, "email_next_at", claimed)

    renew(claimed + 15 * SECOND)

    stamps = dict(Notification.objects.values_list("pk", "email_next_at"))
    assert stamps[held] == claimed + 15 * SECOND
    assert stamps[taken] == another  # the other worker's claim is not ours to renew
    assert stamps[sent] == claimed


def test_a_renewal_whose_answer_was_lost_is_still_recognised_by_the_next(
    school, parent: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids, claimed = killed_mid_batch(parent, 1)
    claims = Notification.objects.filter(pk__in=ids, email_state=Delivery.SENDING)
    renew = stamp_renewal(claims, "email_next_at", claimed)
    # The database committed the renewal, then the connection dropped before it answered.
    Notification.objects.filter(pk__in=ids).update(email_next_at=claimed + 15 * SECOND)
    real_update = type(claims).update
    calls = []

    def update_then_lose_the_answer(queryset: Any, **values: Any) -> int:
        calls.append(values)
        if len(calls) == 1:
            raise DatabaseError("server closed the connection unexpectedly")
        return real_update(queryset, **values)

    monkeypatch.setattr(type(claims), "update", update_then_lose_the_answer)
    with pytest.raises(DatabaseError):
        renew(claimed + 15 * SECOND)
    renew(claimed + 30 * SECOND)

    [stamp] = Notification.objects.filter(pk__in=ids).values_list("email_next_at", flat=True)
    assert stamp == claimed + 30 * SECOND


def test_a_worker_that_cannot_renew_stops_sending_before_its_claim_can_be_taken() -> None:
    def database_down(now: dt.datetime) -> None:
        raise DatabaseError("could not connect to server")

    keeper = ClaimKeeper(database_down)
    assert keeper.held  # just claimed
    assert not keeper.renew_now()
    keeper._renewed -= CLAIM_TTL.total_seconds() - keeper.every  # the last success, 30 s ago
    assert not keeper.held


def test_the_keeper_thread_renews_while_the_work_goes_on_and_stops_with_it() -> None:
    renewed: list[dt.datetime] = []
    twice = threading.Event()

    def renew(now: dt.datetime) -> None:
        renewed.append(now)
        if len(renewed) == 2:
            twice.set()

    with ClaimKeeper(renew, every=0.01) as keeper:
        assert twice.wait(timeout=10)
        assert keeper.held
    count = len(renewed)
    threading.Event().wait(0.05)
    assert len(renewed) == count  # the thread ended with the block


def test_R31_a_push_claimed_by_a_killed_worker_is_due_again_after_45_s(
    school, parent: User
) -> None:
    notify([message_event(parent)], now=TUESDAY_1000)
    notification = Notification.objects.get()
    Notification.objects.filter(pk=notification.pk).update(
        push_state=Delivery.SENDING, pushed_at=TUESDAY_1000
    )

    assert deliveries_due(now=TUESDAY_1000 + CLAIM_TTL - SECOND).pushes == []
    assert deliveries_due(now=TUESDAY_1000 + CLAIM_TTL + SECOND).pushes == [notification.pk]
    assert list(pushes_due(TUESDAY_1000 + CLAIM_TTL + SECOND)) == [notification]


def test_R31_a_digest_claimed_by_a_killed_worker_still_goes_out_that_day(
    school, parent: User
) -> None:
    tuesday_1800 = TUESDAY_1000 + dt.timedelta(hours=8)
    notify([post_event(parent, 1)], now=TUESDAY_1000)
    # The worker inserted the day's row (its claim) at 18:00 and died before sending.
    DigestSent.objects.create(user=parent, day=tuesday_1800.date(), sent_at=tuesday_1800)

    sweep_at(tuesday_1800 + CLAIM_TTL - SECOND)
    assert mail.outbox == []
    sweep_at(tuesday_1800 + CLAIM_TTL + SECOND)

    [email] = sent_to(parent)
    assert email.subject == DIGEST_SUBJECT
    assert DigestSent.objects.get(user=parent).notifications == 1
    sweep_at(tuesday_1800 + TWO_MINUTES)
    assert len(sent_to(parent)) == 1
