"""Sending web pushes (R31) to the devices people turned push on for (``push_devices.py``).

A push says only what kind of news it is ("New message from your child's teacher"), in the
recipient's language, with the school's name and a link into the portal: never a child's name,
a sender's name or anything that was written, because a phone shows it on a locked screen and
the push service relays it. Pushes are encrypted for the device (RFC 8291) and signed with the
school's VAPID key (RFC 8292) by pywebpush.

The sweep (``sweep.py``) hands out notifications whose push is due; ``push_send`` claims them
with one conditional UPDATE (pending to sending, stamping ``pushed_at``), so two workers never
both push one; the claim is renewed while the pushes go out (``dojo_portal/claims.py``), and
one lost with its worker is handed out again by the sweep. A device that the push service says
is gone (404, 410) is forgotten. When a push service fails (a timeout,
429, 5xx), the notification goes back to pending for the next sweep; which devices already have
it and how many attempts were made are kept in the shared cache, and after
``PUSH_MAX_ATTEMPTS`` it is marked failed (sent, if some device had it). A cache that forgets
costs at most a few more attempts, never a lost notification.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import logging
import threading
from collections import defaultdict
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from accounts.middleware import interface_language
from accounts.models import Role
from classes.selectors import school_get
from core.claims import ClaimKeeper, stamp_renewal

from .models import Delivery, Kind, Notification, PushSubscription
from .push_endpoints import endpoint_check, is_trusted, push_session
from .sweep import pushes_due

logger = logging.getLogger(__name__)

# Fixed texts by kind (and for messages, by who reads them): never a name or any content.
MESSAGE_TO_PARENT = _("New message from your child's teacher")
MESSAGE_TO_STAFF = _("New message from a parent")
TITLES = {
    Kind.NEW_POST: _("New post from school"),
    Kind.REPLY_OVERDUE: _("A reply is overdue"),
    Kind.POST_HIDDEN: _("One of your posts was hidden"),
    Kind.WARNING: _("A message from the school"),
    Kind.URGENT: _("Urgent announcement from the school"),
    Kind.SIGN_IN: _("Wrong passwords were tried for your account"),
}
OTHER_NEWS = _("News from school")
# Kept longer than any run of retries, so a retry knows which devices already have the push.
STATE_SECONDS = 2 * 24 * 3600


class Outcome(enum.Enum):
    DELIVERED = "delivered"
    GONE = "gone"  # the device unsubscribed: forget it
    RETRY = "retry"  # the push service failed: try again at the next sweep
    REFUSED = "refused"  # the push service refused this push: trying again will not help


@dataclass(frozen=True)
class _Job:
    notification_id: int
    subscription: PushSubscription
    payload: str
    urgency: str


def push_send(notification_ids: Sequence[int], *, now: dt.datetime | None = None) -> int:
    """Push each of these notifications that is still due to every device of its recipient,
    each at most once whatever runs at the same time. Returns how many reached a device."""
    now = now or timezone.now()
    notifications = _claim(notification_ids, now)
    if not notifications:
        return 0
    vapid = _vapid()
    if vapid is None:
        logger.error("web push is not set up (VAPID keys): %s pushes failed", len(notifications))
        _settle({Delivery.FAILED: [n.pk for n in notifications]})
        return 0
    claims = Notification.objects.filter(
        pk__in=[n.pk for n in notifications], push_state=Delivery.SENDING
    )
    renewal = stamp_renewal(claims, "pushed_at", notifications[0].pushed_at or now)
    with ClaimKeeper(renewal):  # pushes may take up to the task's time limit
        states = cache.get_many([_state_key(n.pk) for n in notifications])
        jobs, refused = _plan(notifications, states)
        results = list(zip(jobs, _send_all(jobs, vapid), strict=True))
        _devices_update(results, refused)
        return _record(notifications, states, results)


def _claim(notification_ids: Sequence[int], now: dt.datetime) -> list[Notification]:
    """The notifications this worker now owns: the due ones, claimed in one UPDATE that stamps
    ``pushed_at`` (those another worker holds are left to it), then read back by that stamp."""
    due = pushes_due(now).filter(pk__in=list(notification_ids))
    claimed_at = timezone.now()
    # The state is tested on the updated row itself, so of two workers claiming at once the
    # second finds the rows taken (PostgreSQL re-checks it after waiting for the first).
    claims = Notification.objects.filter(pk__in=due.values("pk"), push_state=Delivery.PENDING)
    if not claims.update(push_state=Delivery.SENDING, pushed_at=claimed_at):
        return []
    return list(
        Notification.objects.filter(
            pk__in=list(notification_ids), push_state=Delivery.SENDING, pushed_at=claimed_at
        )
        .select_related("recipient")
        .order_by("pk")
    )


def _plan(
    notifications: list[Notification], states: dict[str, Any]
) -> tuple[list[_Job], set[int]]:
    """One job for each device that does not have its notification yet; devices whose
    endpoint the rules no longer accept are to be forgotten instead."""
    # One already read in the portal is not pushed: a push would only repeat it.
    unread = [n for n in notifications if n.read_at is None]
    devices, refused = _devices({n.recipient_id for n in unread})
    jobs: list[_Job] = []
    for notification in unread:
        have = set(_state(states, notification.pk)["delivered"])
        payload = push_payload(notification)
        urgency = "high" if notification.urgent else "normal"
        jobs += [
            _Job(notification.pk, subscription, payload, urgency)
            for subscription in devices[notification.recipient_id]
            if subscription.pk not in have
        ]
    return jobs, refused


def _devices(recipients: set[int]) -> tuple[dict[int, list[PushSubscription]], set[int]]:
    """Each recipient's devices, each endpoint checked once (the rules depend on nothing else);
    the devices the rules no longer accept are set apart, never to be contacted."""
    devices: dict[int, list[PushSubscription]] = defaultdict(list)
    refused: set[int] = set()
    for subscription in PushSubscription.objects.filter(user_id__in=recipients).order_by("pk"):
        try:
            endpoint_check(subscription.endpoint)
        except ValidationError:
            refused.add(subscription.pk)
            continue
        devices[subscription.user_id].append(subscription)
    return devices, refused


def push_payload(notification: Notification) -> str:
    """What the device receives: a fixed text for the kind, in the recipient's language, the
    school's name and the link (a path in the portal, nothing else), with the text's language
    and direction (``lang``, ``dir``), which the service worker gives ``showNotification`` so a
    phone shows an Arabic or Urdu notification right to left."""
    recipient = notification.recipient
    language = interface_language(recipient.preferred_language) or settings.LANGUAGE_CODE
    with translation.override(language):
        if notification.kind == Kind.NEW_MESSAGE:
            title = MESSAGE_TO_PARENT if recipient.role == Role.PARENT else MESSAGE_TO_STAFF
        else:
            title = TITLES.get(Kind(notification.kind), OTHER_NEWS)
        text = {
            "title": str(title),
            "body": school_get().name,
            "url": _local(notification.link),
            "lang": language,
            "dir": "rtl" if translation.get_language_bidi() else "ltr",
        }
    return json.dumps(text, ensure_ascii=False)


def _local(link: str) -> str:
    parts = urlsplit(link)
    if not link.startswith("/") or link.startswith("//") or parts.scheme or parts.netloc:
        return "/"
    return link


def _vapid() -> Vapid | None:
    if not settings.VAPID_PRIVATE_KEY:
        return None
    try:
        return Vapid.from_string(settings.VAPID_PRIVATE_KEY)
    except Exception:
        logger.exception("VAPID_PRIVATE_KEY is not a VAPID private key")
        return None


def vapid_subject() -> str:
    """Whom push services may contact about the portal's pushes: ``VAPID_SUBJECT``, else the
    school office's email address, else the portal's sender address."""
    if settings.VAPID_SUBJECT:
        return str(settings.VAPID_SUBJECT)
    address = school_get().office_email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return f"mailto:{address}"


class _Sessions:
    """HTTP sessions for the sending threads: one per thread and kind of endpoint (trusted or
    not), so connections to a push service are reused, and all closed at the end."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._all: list[requests.Session] = []
        self._lock = threading.Lock()

    def get(self, endpoint: str) -> requests.Session:
        trusted = is_trusted(endpoint)
        mine: dict[bool, requests.Session] = self._local.__dict__.setdefault("sessions", {})
        if trusted not in mine:
            mine[trusted] = push_session(trusted=trusted)
            with self._lock:
                self._all.append(mine[trusted])
        return mine[trusted]

    def close(self) -> None:
        for session in self._all:
            session.close()


def _send_all(jobs: list[_Job], vapid: Vapid) -> list[Outcome]:
    """Each job's outcome, in order. Pushes go out a few at a time: each waits on the network,
    not the processor. The threads touch no database."""
    if not jobs:
        return []
    subject = vapid_subject()
    sessions = _Sessions()

    def send(job: _Job) -> Outcome:
        return _send_one(job, vapid, subject, sessions.get(job.subscription.endpoint))

    try:
        with ThreadPoolExecutor(max_workers=max(1, settings.PUSH_CONCURRENCY)) as pool:
            return list(pool.map(send, jobs))
    finally:
        sessions.close()


def _send_one(job: _Job, vapid: Vapid, subject: str, session: requests.Session) -> Outcome:
    subscription = job.subscription
    host = urlsplit(subscription.endpoint).hostname
    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=job.payload,
            vapid_private_key=vapid,
            vapid_claims={"sub": subject},
            timeout=settings.PUSH_TIMEOUT_SECONDS,
            ttl=settings.PUSH_TTL_SECONDS,
            headers={"Urgency": job.urgency},
            requests_session=session,
        )
    except WebPushException as error:
        status = error.status_code
        logger.warning("push %s to %s: status %s", job.notification_id, host, status)
        if status in (404, 410):
            return Outcome.GONE
        if status is None or status == 429 or status >= 500:
            return Outcome.RETRY
        return Outcome.REFUSED
    except requests.RequestException as error:
        logger.warning("push %s to %s failed: %s", job.notification_id, host, error)
        return Outcome.RETRY
    except Exception:
        logger.exception("push %s to %s could not be made", job.notification_id, host)
        return Outcome.REFUSED
    return Outcome.DELIVERED


def _devices_update(results: list[tuple[_Job, Outcome]], refused: set[int]) -> None:
    """Forget the devices that are gone (or whose endpoint the rules no longer accept); note
    when the others last had a push."""
    gone = refused | {job.subscription.pk for job, outcome in results if outcome is Outcome.GONE}
    PushSubscription.objects.filter(pk__in=gone).delete()
    delivered = {job.subscription.pk for job, outcome in results if outcome is Outcome.DELIVERED}
    PushSubscription.objects.filter(pk__in=delivered).update(last_sent_at=timezone.now())


def _record(
    notifications: list[Notification],
    states: dict[str, Any],
    results: list[tuple[_Job, Outcome]],
) -> int:
    """Each notification's new state, all known before any is settled: the cache keeps what a
    retry needs (written before the row is pending again) and forgets the rest, then one
    UPDATE per end state. Returns how many reached a device."""
    outcomes: dict[int, list[tuple[int, Outcome]]] = defaultdict(list)
    for job, outcome in results:
        outcomes[job.notification_id].append((job.subscription.pk, outcome))
    ends: dict[Delivery, list[int]] = defaultdict(list)
    retries: dict[str, dict[str, Any]] = {}
    for notification in notifications:
        pk = notification.pk
        end, state = _end(pk, _state(states, pk), outcomes[pk])
        ends[end].append(pk)
        if end is Delivery.PENDING:
            retries[_state_key(pk)] = state
    cache.set_many(retries, STATE_SECONDS)
    cache.delete_many(
        [_state_key(pk) for end, pks in ends.items() if end is not Delivery.PENDING for pk in pks]
    )
    _settle(ends)
    return len(ends[Delivery.SENT])


def _end(
    pk: int, state: dict[str, Any], outcomes: list[tuple[int, Outcome]]
) -> tuple[Delivery, dict[str, Any]]:
    """Where one notification's push stands after this attempt, and the state a retry needs."""
    delivered = state["delivered"] + [sub for sub, o in outcomes if o is Outcome.DELIVERED]
    attempts = state["attempts"] + 1
    after = {"attempts": attempts, "delivered": delivered}
    if any(o is Outcome.RETRY for _sub, o in outcomes) and attempts < settings.PUSH_MAX_ATTEMPTS:
        logger.warning("push %s will be tried again (attempt %s)", pk, attempts)
        return Delivery.PENDING, after
    if delivered:
        return Delivery.SENT, after
    if any(o in (Outcome.RETRY, Outcome.REFUSED) for _sub, o in outcomes):
        logger.error("push %s failed after %s attempts", pk, attempts)
        return Delivery.FAILED, after
    return Delivery.NONE, after  # read already, or no device left to push to


def _state(states: dict[str, Any], pk: int) -> dict[str, Any]:
    """What earlier attempts left: how many there were, and which devices have the push."""
    return states.get(_state_key(pk)) or {"attempts": 0, "delivered": []}


def _state_key(pk: int) -> str:
    return f"notifications:push:{pk}"


def _settle(ends: Mapping[Delivery, list[int]]) -> None:
    """One UPDATE per end state, changing only the claims this worker still holds."""
    sent_at = timezone.now()
    for end, pks in ends.items():
        Notification.objects.filter(pk__in=pks, push_state=Delivery.SENDING).update(
            push_state=end, pushed_at=sent_at if end is Delivery.SENT else None
        )
