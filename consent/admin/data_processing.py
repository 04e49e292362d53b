"""Data-processing consent (R4): the office publishes versions of the form, and sees what each
parent agreed to for each child and when. Nothing published or agreed is ever edited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..models import DataProcessingAgreement, DataProcessingForm
from ..permissions import can_manage_consent
from .common import OfficeConsentAdmin


@admin.register(DataProcessingForm)
class DataProcessingFormAdmin(OfficeConsentAdmin):
    """Adding publishes the next version, which every parent is asked to agree to; a
    published version is read-only."""

    list_display = ["version", "title", "published_at"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("version", "title", "body", "published_at") if obj else ("title", "body")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_manage_consent(request.user)

    def save_model(
        self, request: HttpRequest, obj: DataProcessingForm, form: Any, change: bool
    ) -> None:
        latest = DataProcessingForm.objects.order_by("-version").first()
        obj.version = latest.version + 1 if latest else 1
        super().save_model(request, obj, form, change)


@admin.register(DataProcessingAgreement)
class DataProcessingAgreementAdmin(OfficeConsentAdmin):
    """What each parent agreed to for each child, and when."""

    list_display = ["parent", "pupil", "pupil_class", "version", "agreed_at"]
    list_filter = ["form", "pupil__school_class", "agreed_at"]
    list_select_related = ["parent", "pupil__school_class", "form"]
    search_fields = ["parent__email", "parent__last_name", "pupil__first_name", "pupil__surname"]
    date_hierarchy = "agreed_at"
    fields = readonly_fields = ("parent", "pupil", "form", "agreed_at")

    @admin.display(description=_("class"), ordering="pupil__school_class__name")
    def pupil_class(self, agreement: DataProcessingAgreement) -> str:
        return str(agreement.pupil.school_class or "–")

    @admin.display(description=_("version"), ordering="form__version")
    def version(self, agreement: DataProcessingAgreement) -> int:
        return agreement.form.version
