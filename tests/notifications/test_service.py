"""The notification service (R31): every event is recorded once per recipient, by the channel
its recipient chose for its kind (or the kind's default); a warning and an urgent announcement
always get through; staff are held to the next working period (R19), parents are told at any
time; inactive accounts are told nothing; a retracted event is gone everywhere."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from accounts.models import Role, User
from notifications.models import (
    Channel,
    Delivery,
    Kind,
    Notification,
    NotificationSetting,
)
from notifications.selectors import bell_for, channels_for, notifications_for
from notifications.services import Event, notify, retract
from tests.factories import (
    ClosureFactory,
    LeaderFactory,
    OfficeFactory,
    ParentFactory,
    SupportFactory,
    TeacherFactory,
)

from .helpers import (
    DIGEST_SUBJECT,
    FRIDAY_1730,
    LONDON,
    MINUTE,
    MONDAY_0800,
    SATURDAY_1000,
    TUESDAY_1000,
    at,
    choose,
    message_event,
    parent_message_event,
    post_event,
    sent_to,
    sweep,
    urgent_event,
    warning_event,
)

pytestmark = pytest.mark.django_db

TUESDAY_1800 = dt.datetime(2026, 12, 1, 18, 0, tzinfo=LONDON)


# Once per event and recipient


def test_R31_an_event_told_twice_is_recorded_once(school, parent: User) -> None:
    notify([message_event(parent)], now=TUESDAY_1000)
    notify([message_event(parent), message_event(parent)], now=TUESDAY_1000 + MINUTE)

    notification = Notification.objects.get(recipient=parent)
    assert notification.created_at == TUESDAY_1000  # the first telling is kept
    sweep(TUESDAY_1000 + 2 * MINUTE)
    sweep(TUESDAY_1000 + 3 * MINUTE)
    assert len(sent_to(parent)) == 1


def test_R31_one_event_is_recorded_for_each_of_its_recipients(school) -> None:
    first, second = ParentFactory(), ParentFactory()
    events = [post_event(first, 7), post_event(second, 7), post_event(first, 8)]

    assert notify(events, now=TUESDAY_1000) == 3

    assert sorted(
        Notification.objects.values_list("recipient_id", "key").order_by("recipient_id", "key")
    ) == sorted([(first.pk, "post:7"), (first.pk, "post:8"), (second.pk, "post:7")])


# Channels


def test_R31_a_kind_set_off_records_nothing(school, parent: User) -> None:
    choose(parent, {Kind.NEW_MESSAGE: Channel.OFF})

    notify([message_event(parent)], now=TUESDAY_1000)
    sweep(TUESDAY_1000 + MINUTE)

    assert not Notification.objects.exists()
    assert bell_for(parent).unread == 0
    assert mail.outbox == []


def test_R31_in_the_portal_only_is_never_emailed(school, parent: User) -> None:
    choose(parent, {Kind.NEW_MESSAGE: Channel.PORTAL, Kind.NEW_POST: Channel.PORTAL})

    notify([message_event(parent), post_event(parent)], now=TUESDAY_1000)
    for moment in (TUESDAY_1000, TUESDAY_1000 + MINUTE, TUESDAY_1800, TUESDAY_1800 + MINUTE):
        sweep(moment)

    assert mail.outbox == []
    with at(TUESDAY_1800):
        rows = notifications_for(parent)
    assert [row.title for row in rows] == [  # newest first: recorded in this order
        "New post in the Oak class story",
        "New message from Mrs Patel about Maya",
    ]
    assert set(Notification.objects.values_list("email_state", flat=True)) == {Delivery.NONE}


def test_R31_email_at_once_is_sent_by_the_next_sweep(school, parent: User) -> None:
    choose(parent, {Kind.NEW_MESSAGE: Channel.EMAIL})

    notify([message_event(parent)], now=TUESDAY_1000)
    notification = Notification.objects.get()
    assert (notification.channel, notification.email_state) == (Channel.EMAIL, Delivery.PENDING)
    sweep(TUESDAY_1000 + MINUTE)

    [email] = sent_to(parent)
    assert email.subject == "New message from Mrs Patel about Maya"
    notification.refresh_from_db()
    assert notification.email_state == Delivery.SENT
    assert notification.emailed_at is not None


def test_R31_a_daily_digest_kind_is_emailed_only_in_the_digest(school, parent: User) -> None:
    choose(parent, {Kind.NEW_MESSAGE: Channel.DIGEST}, digest_at=dt.time(18, 0))

    notify([message_event(parent)], now=TUESDAY_1000)
    for minutes in range(0, 10):
        sweep(TUESDAY_1000 + minutes * MINUTE)
    assert mail.outbox == []
    sweep(TUESDAY_1800)

    [email] = sent_to(parent)
    assert email.subject == DIGEST_SUBJECT
    assert "New message from Mrs Patel about Maya" in email.body
    assert Notification.objects.get().email_state == Delivery.DIGESTED


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.PARENT, {Kind.NEW_POST: Channel.DIGEST, Kind.NEW_MESSAGE: Channel.EMAIL}),
        (
            Role.TEACHER,
            {
                Kind.NEW_MESSAGE: Channel.EMAIL,
                Kind.REPLY_OVERDUE: Channel.EMAIL,
                Kind.POST_HIDDEN: Channel.EMAIL,
                Kind.PUPIL_LOCKED: Channel.EMAIL,
            },
        ),
        (
            Role.SUPPORT,
            {
                Kind.NEW_MESSAGE: Channel.EMAIL,
                Kind.REPLY_OVERDUE: Channel.EMAIL,
                Kind.POST_HIDDEN: Channel.EMAIL,
            },
        ),
        (Role.OFFICE, {Kind.POST_HIDDEN: Channel.EMAIL}),
        (Role.LEADER, {Kind.POST_HIDDEN: Channel.EMAIL}),
    ],
)
def test_R31_each_role_has_its_kinds_with_their_defaults(
    school, role: Role, expected: dict[Kind, Channel]
) -> None:
    factories = {
        Role.PARENT: ParentFactory,
        Role.TEACHER: TeacherFactory,
        Role.SUPPORT: SupportFactory,
        Role.OFFICE: OfficeFactory,
        Role.LEADER: LeaderFactory,
    }
    person = factories[role]()
    assert channels_for(person) == expected

    events = [
        Event(kind, f"{kind}:1", person.pk, "/", {"pupil": "Maya", "sender": "Dana"})
        for kind in expected
    ]
    notify(events, now=TUESDAY_1000)
    assert dict(Notification.objects.values_list("kind", "channel")) == expected


def test_R31_a_post_waits_for_the_digest_and_a_message_is_emailed_by_default(
    school, parent: User
) -> None:
    notify([post_event(parent), message_event(parent)], now=TUESDAY_1000)
    sweep(TUESDAY_1000 + MINUTE)

    [email] = sent_to(parent)
    assert email.subject == "New message from Mrs Patel about Maya"
    sweep(TUESDAY_1800)
    assert [email.subject for email in sent_to(parent)][1:] == [DIGEST_SUBJECT]
    assert "New post in the Oak class story" in sent_to(parent)[1].body


@pytest.mark.parametrize("kind", [Kind.WARNING, Kind.URGENT])
def test_R31_warnings_and_urgent_announcements_cannot_be_turned_off(
    school, parent: User, kind: Kind
) -> None:
    choose(parent, {kind: Channel.OFF})
    assert not NotificationSetting.objects.filter(user=parent, kind=kind).exists()
    # Even a setting stored some other way (an older version, the database) is ignored.
    NotificationSetting.objects.create(user=parent, kind=kind, channel=Channel.OFF)
    event = warning_event(parent) if kind == Kind.WARNING else urgent_event(parent)

    notify([event], now=SATURDAY_1000)
    sweep(SATURDAY_1000 + MINUTE)

    notification = Notification.objects.get(recipient=parent)
    assert (notification.channel, notification.email_state) == (Channel.EMAIL, Delivery.SENT)
    assert len(sent_to(parent)) == 1
    assert notification.urgent is (kind == Kind.URGENT)


# When: staff never in quiet time (R19), parents at any time


@pytest.mark.parametrize(
    ("told_at", "delivered_at"),
    [
        pytest.param(FRIDAY_1730, MONDAY_0800, id="friday-evening-to-monday"),
        pytest.param(SATURDAY_1000, MONDAY_0800, id="weekend-to-monday"),
        pytest.param(
            dt.datetime(2026, 12, 1, 7, 59, tzinfo=LONDON),
            dt.datetime(2026, 12, 1, 8, 0, tzinfo=LONDON),
            id="early-morning-to-0800",
        ),
        pytest.param(
            # Monday 31 August 2026 is the summer bank holiday.
            dt.datetime(2026, 8, 28, 17, 30, tzinfo=LONDON),
            dt.datetime(2026, 9, 1, 8, 0, tzinfo=LONDON),
            id="bank-holiday-weekend-to-tuesday",
        ),
        pytest.param(TUESDAY_1000, TUESDAY_1000, id="working-time-at-once"),
    ],
)
def test_R31_R19_staff_are_told_at_the_start_of_the_next_working_period(
    school, teacher: User, told_at: dt.datetime, delivered_at: dt.datetime
) -> None:
    notify([parent_message_event(teacher)], now=told_at)

    notification = Notification.objects.get(recipient=teacher)
    assert notification.deliver_at == delivered_at
    if delivered_at > told_at:
        with at(delivered_at - dt.timedelta(seconds=1)):
            assert notifications_for(teacher) == []
            assert bell_for(teacher).unread == 0
    with at(delivered_at):
        assert [row.title for row in notifications_for(teacher)] == [
            "Dana Brightwater wrote about Maya"
        ]


def test_R31_R19_a_closure_day_holds_staff_notifications_to_the_next_working_day(
    school, teacher: User
) -> None:
    ClosureFactory(starts_on=dt.date(2026, 11, 30), ends_on=dt.date(2026, 11, 30))

    notify([parent_message_event(teacher)], now=SATURDAY_1000)

    assert Notification.objects.get().deliver_at == dt.datetime(2026, 12, 1, 8, 0, tzinfo=LONDON)


def test_R31_parents_are_told_at_any_time(school, parent: User) -> None:
    notify([message_event(parent)], now=SATURDAY_1000)
    sweep(SATURDAY_1000)

    assert Notification.objects.get().deliver_at == SATURDAY_1000
    with at(SATURDAY_1000):
        assert bell_for(parent).unread == 1
    assert len(sent_to(parent)) == 1


def test_R31_an_inactive_account_is_told_nothing(school, parent: User) -> None:
    other = ParentFactory()
    User.objects.filter(pk=parent.pk).update(is_active=False)

    notify([message_event(parent), message_event(other)], now=TUESDAY_1000)
    sweep(TUESDAY_1000 + MINUTE)

    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [other.pk]
    assert sent_to(parent) == []


def test_R31_an_unknown_account_is_skipped_and_the_others_are_told(school, parent: User) -> None:
    gone = ParentFactory()
    gone_id = gone.pk
    gone.delete()

    unknown = Event(Kind.NEW_MESSAGE, "message:2", gone_id, "/messages/2/")

    notify([message_event(parent), unknown], now=TUESDAY_1000)

    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [parent.pk]


# Retracting


def test_R31_a_retracted_event_is_deleted_unsent_and_the_bell_drops(
    school, parent: User, teacher: User
) -> None:
    with at(TUESDAY_1000):
        notify([message_event(parent, 1), message_event(parent, 2)])
        notify([parent_message_event(teacher, 1)])
        assert bell_for(parent).unread == 2  # cached from here on

        assert retract(kind=Kind.NEW_MESSAGE, keys=["message:1"]) == 2

        assert bell_for(parent).unread == 1
        assert bell_for(teacher).unread == 0
    assert list(Notification.objects.values_list("key", flat=True)) == ["message:2"]
    sweep(TUESDAY_1000 + MINUTE)
    assert [email.subject for email in mail.outbox] == ["New message from Mrs Patel about Maya"]
    assert "/notifications/" in mail.outbox[0].body


def test_R31_retracting_what_was_never_recorded_changes_nothing(school, parent: User) -> None:
    notify([message_event(parent)], now=TUESDAY_1000)

    assert retract(kind=Kind.NEW_POST, keys=["message:1"]) == 0
    assert retract(kind=Kind.NEW_MESSAGE, keys=["message:99"]) == 0
    assert Notification.objects.count() == 1
