"""What the office sees of notifications: emails that failed after their retries, and
addresses that bounced (R31: a failure is never silent). Read-only, except that the office
clears a bounced address once the person has fixed it (an action, so the next email is tried)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin.base import OfficeOnlyAdmin

from .models import BouncedAddress, Delivery, EmailProblem, Notification


@admin.register(EmailProblem)
class EmailProblemAdmin(OfficeOnlyAdmin):
    list_display = [
        "recipient",
        "recipient_email",
        "kind",
        "email_state",
        "created_at",
        "email_error",
    ]
    list_filter = ["email_state", "kind"]
    search_fields = ["recipient__email", "recipient__first_name", "recipient__last_name"]
    fields = (
        "recipient",
        "recipient_email",
        "kind",
        "email_state",
        "created_at",
        "email_error",
        "email_attempts",
    )
    readonly_fields = fields
    list_select_related = ["recipient"]
    ordering = ["-created_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Notification]:
        failed = [Delivery.FAILED, Delivery.BOUNCED]
        return super().get_queryset(request).filter(email_state__in=failed)

    @admin.display(description=_("email address"))
    def recipient_email(self, obj: Notification) -> str:
        return obj.recipient.email or ""


@admin.register(BouncedAddress)
class BouncedAddressAdmin(OfficeOnlyAdmin):
    list_display = ["email", "bounced_at", "reason"]
    search_fields = ["email"]
    readonly_fields = ["email", "bounced_at", "reason"]
    actions = ["clear"]

    @admin.action(description=_("Clear: the address is fixed, send to it again"))
    def clear(self, request: HttpRequest, queryset: QuerySet[BouncedAddress]) -> None:
        cleared, _by_model = queryset.delete()
        messages.success(
            request,
            ngettext("%(n)d address cleared.", "%(n)d addresses cleared.", cleared)
            % {"n": cleared},
        )

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # the "clear" action deletes; nothing else does
        return self.may_manage(request.user)
