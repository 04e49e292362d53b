"""Who may do what with the school's structure: one predicate per action."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import User


# The accounts app's roles, named by value: classes sits below accounts (tests/classes check them).
SCHOOL_MANAGER_ROLES = frozenset({"office", "leader"})


def can_manage_school(user: User) -> bool:
    """Office staff and leaders keep the school's records (R1)."""
    return user.is_authenticated and user.is_active and user.role in SCHOOL_MANAGER_ROLES
