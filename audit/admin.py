"""The audit log in the admin: leaders and superusers list and filter it; nobody adds, changes
or deletes an entry, one by one or in bulk (R28). Who may read it is a permission like any
other (``audit.view_auditentry``), which the accounts app's role backend gives to leaders only
(``LEADER_ADMIN_APPS``): the office, whose actions it records, never reads it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "subject_label", "client_address"]
    list_filter = ["action", "actor_role", "subject_type", "at"]
    search_fields = ["actor_label", "subject_label", "=subject_id", "=client_address"]
    date_hierarchy = "at"
    fields = (
        "at",
        "actor_label",
        "actor_role",
        "action",
        "subject_type",
        "subject_id",
        "subject_label",
        "details",
        "client_address",
    )
    readonly_fields = fields
    list_per_page = 100
    show_full_result_count = False

    class Media:
        css = {"all": ["audit/admin.css"]}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # No bulk delete, or any other action, even for a superuser.
        return {}
