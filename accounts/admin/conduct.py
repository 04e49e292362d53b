from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from ..http import signed_in_user
from ..models import CodeOfConduct, ConductAcceptance
from ..services.conduct import conduct_publish


@admin.register(CodeOfConduct)
class CodeOfConductAdmin(admin.ModelAdmin):
    """Versions are never edited once published: a change is a new version, asked again (R4)."""

    list_display = ["audience", "version", "title", "published_at"]
    list_filter = ["audience"]
    fields = ["audience", "title", "body"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: CodeOfConduct | None = None
    ) -> list[str]:
        return ["audience", "title", "body"] if obj else []

    def save_model(
        self, request: HttpRequest, obj: CodeOfConduct, form: object, change: bool
    ) -> None:
        if not change:
            published = conduct_publish(
                acting_user=signed_in_user(request),
                audience=obj.audience,
                title=obj.title,
                body=obj.body,
            )
            obj.pk, obj.version = published.pk, published.version


@admin.register(ConductAcceptance)
class ConductAcceptanceAdmin(admin.ModelAdmin):
    list_display = ["user", "conduct", "accepted_at"]
    list_filter = ["conduct"]
    list_select_related = ["user", "conduct"]
    search_fields = ["user__email", "user__last_name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
