"""Who may delete which account (R28): one predicate per action, used by the views, the admin
actions and the services alike."""

from __future__ import annotations

from typing import Any

from accounts.models import ADULT_ROLES
from accounts.permissions.accounts import can_manage_accounts, has_role


def can_delete_own_account(user: Any) -> bool:
    """Parents and staff delete their own account from the portal. Pupils' accounts belong to
    the office (they go with the pupil's data, R28); a suspended account cannot use the portal
    at all (R5), so the office deletes it."""
    return has_role(user, *ADULT_ROLES) and not user.is_suspended


def can_delete_suspended_accounts(user: Any) -> bool:
    """The office and leaders delete suspended accounts from the admin (R5, R28)."""
    return can_manage_accounts(user)


def can_mark_leavers(user: Any) -> bool:
    """The office and leaders mark pupils as left (R1: the office manages pupils)."""
    return can_manage_accounts(user)
