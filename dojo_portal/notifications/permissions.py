"""Who has notifications: every adult account. Pupils have none (their pages are their avatar
and points)."""

from __future__ import annotations

from typing import Any

from accounts.models import Role


def can_have_notifications(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role != Role.PUPIL)
