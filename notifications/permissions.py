"""Who has notifications: every adult account. Pupils have none (their pages are their avatar
and points)."""

from __future__ import annotations

from typing import Any

from accounts.models import ADULT_ROLES
from accounts.permissions.accounts import has_role

NOTIFIED_ROLES = ADULT_ROLES


def can_have_notifications(user: Any) -> bool:
    return has_role(user, *NOTIFIED_ROLES)
