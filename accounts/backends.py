"""Model permissions by role: the office and leaders keep the school's records (R1).

Roles, not hand-ticked permission boxes, decide what office staff and leaders may do in the
admin, so a new office member needs only their role. Object permissions (who teaches which
class) stay with django-guardian and are never granted here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import BaseBackend

from .models import ADMIN_ROLES, Role

OBJECT_ONLY_CODENAMES = frozenset({"teach_class", "support_class"})


def _is_admin_role(user: Any) -> bool:
    return bool(user.is_active and getattr(user, "role", None) in ADMIN_ROLES and user.is_staff)


def _is_leader_app(user: Any, app_label: str) -> bool:
    """An app whose records leaders only may read (``LEADER_ADMIN_APPS``: the audit log)."""
    return app_label in settings.LEADER_ADMIN_APPS and user.role == Role.LEADER


class RoleBackend(BaseBackend):
    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if obj is not None or not _is_admin_role(user_obj):
            return False
        app_label, _, codename = perm.partition(".")
        if _is_leader_app(user_obj, app_label):
            return codename.startswith("view_")
        return app_label in settings.OFFICE_ADMIN_APPS and codename not in OBJECT_ONLY_CODENAMES

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        if not _is_admin_role(user_obj):
            return False
        return app_label in settings.OFFICE_ADMIN_APPS or _is_leader_app(user_obj, app_label)
