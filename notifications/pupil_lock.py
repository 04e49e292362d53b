"""The class teachers' notice of a pupil's locked picture code, a notification like any other
(R31): recorded when the lock is made, in the same transaction (``accounts.events``), held to
the next working period for staff and sent by the sweep with the channel each teacher chose, so
a lock on a Sunday evening reaches them on Monday at 08:00 (R19). Unlocking the code (or giving
a new one) before then withdraws it: nobody is told of a lock that no longer holds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.dispatch import receiver
from django.urls import reverse

from accounts.events import pupil_code_lock_lifted, pupil_code_locked
from classes.models import Pupil
from classes.names import display_names
from classes.selectors import teachers_by_class

from .models import Kind, Notification
from .services import Event, notify, retract


def lock_key(pupil_id: int, locked_at: dt.datetime) -> str:
    """The event's key: one per lock (a pupil locked again after an unlock is a new event)."""
    return f"{_key_prefix(pupil_id)}{locked_at.astimezone(dt.timezone.utc).isoformat()}"


def _key_prefix(pupil_id: int) -> str:
    return f"pupil-lock:{pupil_id}:"


def pupil_lock_notify(*, pupil_id: int, locked_at: dt.datetime) -> int:
    """Record the notice for each current teacher of the pupil's class, naming the pupil by
    display name only (R6). Recording a lock again adds nothing. Returns how many were
    offered."""
    pupil = Pupil.objects.select_related("school_class").filter(pk=pupil_id).first()
    if pupil is None or pupil.school_class is None:
        return 0
    school_class = pupil.school_class
    context = {"pupil": display_names([pupil])[pupil.pk], "class_name": school_class.name}
    key, link = lock_key(pupil_id, locked_at), reverse("home")
    events = [
        Event(Kind.PUPIL_LOCKED, key, teacher.pk, link, context)
        for teacher in teachers_by_class({school_class.pk}).get(school_class.pk, [])
    ]
    return notify(events, now=locked_at)


@receiver(pupil_code_locked, dispatch_uid="notifications_pupil_lock")
def _locked(sender: Any, *, pupil_id: int, locked_at: dt.datetime, **kwargs: Any) -> None:
    pupil_lock_notify(pupil_id=pupil_id, locked_at=locked_at)


@receiver(pupil_code_lock_lifted, dispatch_uid="notifications_pupil_lock_lifted")
def _lifted(sender: Any, *, pupil_id: int, locked_at: dt.datetime, **kwargs: Any) -> None:
    retract(kind=Kind.PUPIL_LOCKED, keys=[lock_key(pupil_id, locked_at)])


def pupil_lock_notices_retract(pupil_id: int) -> int:
    """The pupil's record is erased (R28): every notice of their locks, which names them, goes
    too. Returns how many were deleted."""
    keys = Notification.objects.filter(
        kind=Kind.PUPIL_LOCKED, key__startswith=_key_prefix(pupil_id)
    ).values_list("key", flat=True)
    return retract(kind=Kind.PUPIL_LOCKED, keys=set(keys))
