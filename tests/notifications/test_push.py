"""Sending web pushes (R31): to a push service that the test runs on 127.0.0.1, decrypted with
the test device's own keys, signed with the school's VAPID key; devices that are gone are
forgotten, failures are tried again and then given up, and nothing is pushed twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import requests
from cryptography.exceptions import InvalidSignature
from django.utils import timezone
from py_vapid import jwt

from accounts.models import User
from classes.models import School
from notifications.management.commands.vapid_keys import new_key_pair
from notifications.models import Delivery, Kind, Notification, PushSubscription
from notifications.push import push_payload, push_send
from notifications.push_devices import push_subscribe
from notifications.push_endpoints import push_session
from notifications.services import Event, notify
from tests.factories import TeacherFactory, assign_teacher
from tests.notifications.push_device import Device, PushService, vapid_claims

LONDON = ZoneInfo("Europe/London")
# A Wednesday in term, in working time; and the Saturday after, in quiet time (R19).
WEDNESDAY = dt.datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)
SATURDAY = dt.datetime(2026, 11, 28, 10, 0, tzinfo=LONDON)
MONDAY_0800 = dt.datetime(2026, 11, 30, 8, 0, tzinfo=LONDON)


@pytest.fixture
def vapid(settings) -> tuple[str, str]:
    public, private = new_key_pair()
    settings.VAPID_PUBLIC_KEY = public
    settings.VAPID_PRIVATE_KEY = private
    settings.VAPID_SUBJECT = ""
    settings.PUSH_CONCURRENCY = 4
    return public, private


@pytest.fixture
def service(settings, vapid) -> Iterator[PushService]:
    running = PushService()
    settings.PUSH_TRUSTED_ENDPOINTS = [f"{running.url}/"]
    yield running
    running.stop()


def subscribed(user: User, service: PushService, path: str) -> Device:
    device = Device(f"{service.url}{path}")
    push_subscribe(
        acting_user=user, endpoint=device.endpoint, p256dh=device.p256dh, auth=device.auth
    )
    return device


def tell(
    user: User,
    kind: Kind = Kind.NEW_MESSAGE,
    *,
    key: str = "message:1",
    at: dt.datetime = WEDNESDAY,
) -> Notification:
    """Record one event for ``user`` the way every app does, naming a child and a sender."""
    notify(
        [
            Event(
                kind=kind,
                key=key,
                recipient_id=user.pk,
                link=f"/messages/{key.split(':')[1]}",
                context={"pupil": "Maya", "sender": "Mrs Patel", "excerpt": "Snow: closed"},
            )
        ],
        now=at,
    )
    return Notification.objects.get(recipient=user, kind=kind, key=key)


def test_R31_push_reaches_the_device_encrypted_with_no_child_name(
    school: School, parent_with_child, service: PushService
) -> None:
    parent, _maya = parent_with_child
    device = subscribed(parent, service, "/device/1")
    notification = tell(parent)

    assert push_send([notification.pk], now=WEDNESDAY) == 1

    [request] = service.to("/device/1")
    payload = device.decrypt(request)
    assert payload == {
        "title": "New message from your child's teacher",
        "body": "New Village Primary",
        "url": "/messages/1",
        "lang": "en-gb",
        "dir": "ltr",
    }
    plain = str(payload)
    assert "Maya" not in plain and "Patel" not in plain
    assert b"Maya" not in request.body
    assert request.headers["ttl"] == "86400"
    assert request.headers["urgency"] == "normal"
    notification.refresh_from_db()
    assert notification.push_state == Delivery.SENT
    assert notification.pushed_at is not None
    assert PushSubscription.objects.get(user=parent).last_sent_at is not None


def test_R31_push_is_signed_with_the_schools_vapid_key(
    school: School, parent_with_child, service: PushService, vapid: tuple[str, str]
) -> None:
    parent, _maya = parent_with_child
    subscribed(parent, service, "/device/1")
    push_send([tell(parent).pk], now=WEDNESDAY)

    [request] = service.to("/device/1")
    claims = vapid_claims(request, vapid[0])
    assert claims["aud"] == service.url
    assert claims["sub"] == "mailto:office@school.example.org"
    assert claims["exp"] > timezone.now().timestamp()
    token = request.headers["authorization"].split("t=", 1)[1].split(",", 1)[0]
    with pytest.raises(InvalidSignature):
        jwt.decode(token, new_key_pair()[0])


def test_R31_vapid_subject_from_the_setting_when_given(
    school: School, parent_with_child, service: PushService, vapid, settings
) -> None:
    settings.VAPID_SUBJECT = "mailto:it@school.example.org"
    parent, _maya = parent_with_child
    subscribed(parent, service, "/device/1")
    push_send([tell(parent).pk], now=WEDNESDAY)
    assert vapid_claims(service.to("/device/1")[0], vapid[0])["sub"] == (
        "mailto:it@school.example.org"
    )


@pytest.mark.parametrize(
    ("kind", "staff", "title"),
    [
        (Kind.NEW_MESSAGE, False, "New message from your child's teacher"),
        (Kind.NEW_MESSAGE, True, "New message from a parent"),
        (Kind.NEW_POST, False, "New post from school"),
        (Kind.REPLY_OVERDUE, True, "A reply is overdue"),
        (Kind.POST_HIDDEN, True, "One of your posts was hidden"),
        (Kind.WARNING, False, "A message from the school"),
        (Kind.URGENT, False, "Urgent announcement from the school"),
    ],
)
def test_R31_push_texts_are_fixed_by_kind_and_role(
    school: School, parent_with_child, kind: Kind, staff: bool, title: str
) -> None:
    parent, _maya = parent_with_child
    recipient = TeacherFactory() if staff else parent
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        key="x:1",
        link="/stories/7",
        channel="email",
        context={"pupil": "Maya", "sender": "Mr Jones", "excerpt": "Lost child: Maya"},
    )
    payload = push_payload(notification)
    assert f'"title": "{title}"' in payload
    assert '"url": "/stories/7"' in payload
    assert "Maya" not in payload and "Jones" not in payload


def test_push_url_is_only_ever_a_path_in_the_portal(school: School, parent_with_child) -> None:
    parent, _maya = parent_with_child
    for link in ("https://elsewhere.example/x", "//elsewhere.example/x", "javascript:alert(1)"):
        notification = Notification(recipient=parent, kind=Kind.NEW_POST, link=link)
        assert '"url": "/"' in push_payload(notification)


def test_R31_urgent_announcement_is_pushed_with_high_urgency(
    school: School, parent_with_child, service: PushService
) -> None:
    parent, _maya = parent_with_child
    device = subscribed(parent, service, "/device/1")
    notification = tell(parent, Kind.URGENT, key="post:9")
    assert push_send([notification.pk], now=WEDNESDAY) == 1
    [request] = service.to("/device/1")
    assert request.headers["urgency"] == "high"
    assert device.decrypt(request)["title"] == "Urgent announcement from the school"


def test_R31_every_device_of_the_recipient_gets_the_push(
    school: School, parent_with_child, service: PushService
) -> None:
    parent, _maya = parent_with_child
    phone = subscribed(parent, service, "/phone")
    tablet = subscribed(parent, service, "/tablet")
    assert push_send([tell(parent).pk], now=WEDNESDAY) == 1
    assert phone.decrypt(service.to("/phone")[0])["url"] == "/messages/1"
    assert tablet.decrypt(service.to("/tablet")[0])["url"] == "/messages/1"


@pytest.mark.parametrize("status", [404, 410])
def test_device_that_is_gone_is_forgotten(
    school: School, parent_with_child, service: PushService, status: int
) -> None:
    parent, _maya = parent_with_child
    subscribed(parent, service, "/gone")
    service.answer("/gone", status)
    notification = tell(parent)

    assert push_send([notification.pk], now=WEDNESDAY) == 0

    assert len(service.to("/gone")) == 1
    assert not PushSubscription.objects.filter(user=parent).exists()
    notification.refresh_from_db()
    assert notification.push_state == Delivery.NONE


def test_failure_of_the_push_service_is_tried_again_by_the_next_sweep(
    school: School, parent_with_child, service: PushService
) -> None:
    parent, _maya = parent_with_child
    device = subscribed(parent, service, "/device/1")
    service.answer("/device/1", 500)
    notification = tell(parent)

    assert push_send([notification.pk], now=WEDNESDAY) == 0
    notification.refresh_from_db()
    assert notification.push_state == Delivery.PENDING
    assert PushSubscription.objects.filter(user=parent).exists()

    assert push_send([notification.pk], now=WEDNESDAY) == 1
    _first, second = service.to("/device/1")
    assert device.decrypt(second)["url"] == "/messages/1"
    notification.refresh_from_db()
    assert notification.push_state == Delivery.SENT


def test_push_is_given_up_after_the_last_attempt(
    school: School, parent_with_child, service: PushService, settings
) -> None:
    settings.PUSH_MAX_ATTEMPTS = 3
    parent, _maya = parent_with_child
    subscribed(parent, service, "/down")
    service.answer("/down", 503, 503, 503, 503)
    notification = tell(parent)

    for _sweep in range(4):
        push_send([notification.pk], now=WEDNESDAY)

    assert len(service.to("/down")) == 3
    notification.refresh_from_db()
    assert notification.push_state == Delivery.FAILED
    assert notification.pushed_at is None


def test_a_retry_goes_only_to_the_device_that_did_not_get_it(
    school: School, parent_with_child, service: PushService
) -> None:
    parent, _maya = parent_with_child
    subscribed(parent, service, "/phone")
    subscribed(parent, service, "/tablet")
    service.answer("/tablet", 500)
    notification = tell(parent)

    assert push_send([notification.pk], now=WEDNESDAY) == 0
    assert push_send([notification.pk], now=WEDNESDAY) == 1

    assert len(service.to("/phone")) == 1
    assert len(service.to("/tablet")) == 2
    notification.refresh_from_db()
    assert notification.push_state == Delivery.SENT


def test_a_notification_is_pushed_once_whatever_runs_again(
    school: School, parent_with_child, service: PushService
) -> None:
    parent, _maya = parent_with_child
    subscribed(parent, service, "/device/1")
    notification = tell(parent)
    assert push_send([notification.pk], now=WEDNESDAY) == 1
    assert push_send([notification.pk], now=WEDNESDAY) == 0
    assert len(service.to("/device/1")) == 1


def test_a_notification_another_worker_has_claimed_is_left_to_it(
    school: School, parent_with_child, service: PushService
) -> None:
    parent, _maya = parent_with_child
    subscribed(parent, service, "/device/1")
    notification = tell(parent)
    Notification.objects.filter(pk=notification.pk).update(
        push_state=Delivery.SENDING, pushed_at=timezone.now()
    )
    assert push_send([notification.pk], now=WEDNESDAY) == 0
    assert service.received == []


def test_R31_staff_push_waits_for_the_working_period(
    school: School, school_class, service: PushService
) -> None:
    teacher = assign_teacher(TeacherFactory(), school_class)
    device = subscribed(teacher, service, "/teacher")
    notification = tell(teacher, at=SATURDAY)

    assert push_send([notification.pk], now=SATURDAY) == 0
    assert service.received == []

    assert push_send([notification.pk], now=MONDAY_0800) == 1
    assert device.decrypt(service.to("/teacher")[0])["title"] == "New message from a parent"


def test_notification_read_in_the_portal_is_not_pushed(
    school: School, parent_with_child, service: PushService
) -> None:
    parent, _maya = parent_with_child
    subscribed(parent, service, "/device/1")
    notification = tell(parent)
    Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())

    assert push_send([notification.pk], now=WEDNESDAY) == 0
    assert service.received == []
    notification.refresh_from_db()
    assert notification.push_state == Delivery.NONE


def test_without_vapid_keys_nothing_is_sent_and_the_push_fails(
    school: School, parent_with_child, service: PushService, settings
) -> None:
    parent, _maya = parent_with_child
    subscribed(parent, service, "/device/1")
    notification = tell(parent)
    settings.VAPID_PRIVATE_KEY = ""

    assert push_send([notification.pk], now=WEDNESDAY) == 0
    assert service.received == []
    notification.refresh_from_db()
    assert notification.push_state == Delivery.FAILED


def test_a_stored_device_the_rules_no_longer_accept_is_forgotten_not_contacted(
    school: School, parent_with_child, service: PushService, settings
) -> None:
    parent, _maya = parent_with_child
    subscribed(parent, service, "/device/1")
    notification = tell(parent)
    settings.PUSH_TRUSTED_ENDPOINTS = []  # 127.0.0.1 over http is no longer allowed

    assert push_send([notification.pk], now=WEDNESDAY) == 0
    assert service.received == []
    assert not PushSubscription.objects.filter(user=parent).exists()


def test_pushes_never_connect_to_a_private_address(service: PushService) -> None:
    """A name that passed the checks but resolves to the school's network later (DNS
    rebinding) is refused once connected, before anything is sent."""
    with pytest.raises(requests.ConnectionError, match="non-public address"):
        push_session(trusted=False).post(f"{service.url}/device/1", data=b"x", timeout=2)
    assert service.received == []
    push_session(trusted=True).post(f"{service.url}/device/1", data=b"x", timeout=2)
    assert len(service.received) == 1


def test_pushes_never_follow_a_redirect(service: PushService) -> None:
    service.redirects["/moved"] = "/inside"
    response = push_session(trusted=True).post(f"{service.url}/moved", data=b"x", timeout=2)
    assert response.status_code == 307
    assert [request.path for request in service.received] == ["/moved"]


def test_a_redirect_from_the_push_service_is_not_a_delivery(
    school: School, parent_with_child, service: PushService
) -> None:
    parent, _maya = parent_with_child
    subscribed(parent, service, "/moved")
    service.redirects["/moved"] = "/inside"
    notification = tell(parent)

    assert push_send([notification.pk], now=WEDNESDAY) == 0
    assert [request.path for request in service.received] == ["/moved"]
    notification.refresh_from_db()
    assert notification.push_state == Delivery.FAILED
