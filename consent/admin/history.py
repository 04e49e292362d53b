"""The history of every consent change (R14): the pupil's inline and the school-wide list.
Both are read-only: the services append to the history, and nothing ever edits it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import ConsentChange
from ..permissions import can_manage_consent
from .common import NO, STATUS_LABELS, YES, OfficeConsentAdmin

VIEW_SCAN = _("View the scan")
LOOKED_AFTER_CHANGE = _("looked-after: %(old)s → %(new)s")


class HistoryColumns:
    """Columns of a history row, shared by the pupil's inline and the history list."""

    @admin.display(description=pgettext_lazy("who made a change", "by"))
    def who(self, change: ConsentChange) -> str:
        person = change.changed_by
        return (person.get_full_name() or person.email or "–") if person else "–"

    @admin.display(description=_("change"))
    def change(self, change: ConsentChange) -> str:
        """Only what changed: the consent, the looked-after status, or both; a new form or
        scan for an unchanged consent reads as that consent."""
        parts = []
        if change.old_status != change.new_status:
            parts.append(
                f"{STATUS_LABELS[change.old_status]} → {STATUS_LABELS[change.new_status]}"
            )
        if change.old_looked_after != change.new_looked_after:
            flags = {True: YES, False: NO}
            parts.append(
                LOOKED_AFTER_CHANGE
                % {"old": flags[change.old_looked_after], "new": flags[change.new_looked_after]}
            )
        return "; ".join(parts) or str(STATUS_LABELS[change.new_status])

    @admin.display(description=_("scan of the form"))
    def scan(self, change: ConsentChange) -> str:
        if not change.scan_name:
            return ""
        url = reverse("consent_scan", args=[change.pk])
        return format_html('<a href="{}">{}</a>', url, VIEW_SCAN)


class ConsentChangeInline(HistoryColumns, admin.TabularInline):
    """The pupil's history on their consent page, newest first; never added to, edited or
    deleted."""

    model = ConsentChange
    fk_name = "pupil"
    template = "admin/consent/consentpupil/history_inline.html"
    extra = 0
    can_delete = False
    ordering = ["-changed_at", "-pk"]
    fields = readonly_fields = ("changed_at", "who", "change", "form_date", "evidence", "scan")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ConsentChange]:
        return super().get_queryset(request).select_related("changed_by")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_consent(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ConsentChange)
class ConsentChangeAdmin(HistoryColumns, OfficeConsentAdmin):
    """Every change of every pupil's consent, searchable by the pupil's name."""

    list_display = [
        "changed_at",
        "pupil",
        "pupil_class",
        "change",
        "form_date",
        "evidence",
        "who",
        "scan",
    ]
    list_filter = ["new_status", "new_looked_after", "changed_at", "pupil__school_class"]
    list_select_related = ["pupil__school_class", "changed_by"]
    search_fields = ["pupil__first_name", "pupil__surname"]
    date_hierarchy = "changed_at"
    fields = readonly_fields = (
        "pupil",
        "changed_at",
        "who",
        "change",
        "form_date",
        "evidence",
        "scan",
    )

    @admin.display(description=_("class"), ordering="pupil__school_class__name")
    def pupil_class(self, change: ConsentChange) -> str:
        return str(change.pupil.school_class or "–")
