"""Who may do what with the school's structure: one predicate per action."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import User


def can_manage_school(user: User) -> bool:
    """Office staff and leaders keep the school's records (R1)."""
    return user.is_authenticated and user.is_active and user.role in {"office", "leader"}
