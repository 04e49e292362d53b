"""The audit log in the admin: leaders and superusers list and filter it; nobody adds, changes
or deletes an entry, one by one or in bulk (R28). Who may read it is a permission like any
other (``audit.view_auditentry``), which the accounts app's role backend gives to leaders only
(``LEADER_ADMIN_APPS``): the office, whose actions it records, never reads it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import pgettext_lazy

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "by", "action", "subject_label", "client_address"]
    list_filter = ["action", "actor_role", "subject_type", "at"]
    list_select_related = ["actor"]
    search_fields = [
        "actor_label",
        "actor__first_name",
        "actor__last_name",
        "actor__email",
        "subject_label",
        "=subject_id",
        "=client_address",
    ]
    date_hierarchy = "at"
    fields = (
        "at",
        "by",
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

    @admin.display(description=pgettext_lazy("who made a change", "by"), ordering="actor_label")
    def by(self, entry: AuditEntry) -> str:
        """The person's name and their role when they acted ("Sarah Bennett (Office staff)");
        once their account is deleted, only the stored role and id ("office #12") remain."""
        actor = entry.actor
        if actor is None:
            return entry.actor_label
        name = actor.get_full_name() or getattr(actor, "email", "") or entry.actor_label
        roles = dict(actor._meta.get_field("role").flatchoices)
        role = roles.get(entry.actor_role, entry.actor_role)
        return f"{name} ({role})" if role else str(name)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # No bulk delete, or any other action, even for a superuser.
        return {}
