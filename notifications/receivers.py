"""The notification service's answers to other apps' events: sign-in attempts, and an account
suspended or reinstated."""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from accounts.events import account_reinstated, account_suspended, sign_in_ceiling_reached
from accounts.models import Suspension, User

from .models import Kind
from .services import Event, notify

logger = logging.getLogger(__name__)


@receiver(sign_in_ceiling_reached, dispatch_uid="notifications_sign_in_ceiling")
def tell_of_sign_in_attempts(sender: Any, *, user: User, failures: int, **kwargs: Any) -> None:
    """Tell the account holder, once an hour at most (the event's key), by email whatever
    their settings; staff in working time, as every notification (R19, R31)."""
    try:
        notify(
            [
                Event(
                    kind=Kind.SIGN_IN,
                    key=f"sign-in:{timezone.now():%Y-%m-%dT%H}",
                    recipient_id=user.pk,
                    link=reverse("account_change_password"),
                    context={"failures": failures},
                )
            ]
        )
    except Exception:  # the sign-in page is answering: the notice must not break it
        logger.exception("could not record the sign-in notice for user %s", user.pk)


@receiver(account_suspended, dispatch_uid="notifications_account_suspended")
def tell_of_suspension(sender: Any, *, user: User, suspension: Suspension, **kwargs: Any) -> None:
    """The account holder is told by email, whatever their settings, whom to phone and what
    happens next (R5, R23); the email reaches the suspended account (``kinds.RULES``)."""
    notify([_account_event(Kind.SUSPENDED, user, suspension)])


@receiver(account_reinstated, dispatch_uid="notifications_account_reinstated")
def tell_of_reinstatement(
    sender: Any, *, user: User, suspension: Suspension, **kwargs: Any
) -> None:
    """The account holder is told by email that they can sign in again."""
    notify([_account_event(Kind.REINSTATED, user, suspension)])


def _account_event(kind: Kind, user: User, suspension: Suspension) -> Event:
    return Event(
        kind=kind,
        key=f"{kind.value}:{suspension.pk}",
        recipient_id=user.pk,
        link=reverse("notifications"),
        context={},
    )
