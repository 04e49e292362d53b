"""Messaging's answers to the accounts app's events."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from accounts.events import account_suspended
from accounts.models import User

from .moderation import parent_clock_stop


@receiver(account_suspended, dispatch_uid="messaging_suspension_stops_the_clock")
def stop_the_clock(sender: Any, *, user: User, **kwargs: Any) -> None:
    """A suspended parent's messages are due no reply, and nobody is reminded of them (R21)."""
    parent_clock_stop(user)
