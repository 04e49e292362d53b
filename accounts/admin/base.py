"""The base for the office's read-mostly admin pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ..permissions.accounts import can_manage_accounts


class OfficeOnlyAdmin(admin.ModelAdmin):
    """Seen by office staff and leaders only; nothing is added, changed or deleted here unless
    a subclass says so: records change through the services' actions. ``may_manage`` is the
    app's predicate for who keeps these records."""

    may_manage: Callable[[Any], bool] = staticmethod(can_manage_accounts)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.may_manage(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_manage(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
