"""Who may read the audit log: leaders and superusers, in the admin. Nobody may write to it
there (R28)."""

from __future__ import annotations

from typing import Any

from accounts.models import Role
from accounts.permissions import has_role


def can_view_audit_log(user: Any) -> bool:
    """Leaders (and superusers) read the log; the office, whose actions it records, does not."""
    if has_role(user, Role.LEADER):
        return True
    return bool(user.is_authenticated and user.is_active and user.is_superuser)
