"""Model permissions by role: the office and leaders keep the school's records (R1).

Roles, not hand-ticked permission boxes, decide what office staff and leaders may do in the
admin, so a new office member needs only their role. Object permissions (who teaches which
class) stay with django-guardian and are never granted here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import BaseBackend

from .models import ADMIN_ROLES

OBJECT_ONLY_CODENAMES = frozenset({"teach_class", "support_class"})


def _is_admin_role(user: Any) -> bool:
    return bool(user.is_active and getattr(user, "role", None) in ADMIN_ROLES and user.is_staff)


class RoleBackend(BaseBackend):
    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if obj is not None or not _is_admin_role(user_obj):
            return False
        app_label, _, codename = perm.partition(".")
        return app_label in settings.OFFICE_ADMIN_APPS and codename not in OBJECT_ONLY_CODENAMES

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return _is_admin_role(user_obj) and app_label in settings.OFFICE_ADMIN_APPS
