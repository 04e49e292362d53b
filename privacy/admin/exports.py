"""Data requests in the admin (R28): office staff and leaders see every export with its legal
deadline (overdue ones flagged), run an export for any adult on a request received by letter,
email or in person (with the date it was received), and download the result. Every request and
download goes through the same services as the portal's pages, so each is in the audit log.
Exports are never edited here."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin.base import OfficeOnlyAdmin
from accounts.http import signed_in_user
from accounts.models import ADULT_ROLES, User

from ..models import UNANSWERED, DataExport
from ..permissions.exports import can_manage_exports
from ..services.export import export_download, export_request
from ..today import due_within_the_month
from ..views.exports import export_response

STARTED = _("The export of %(name)s is being built. The deadline is %(deadline)s.")
NOT_DOWNLOADABLE = _("This export cannot be downloaded: it is not ready, or it has expired.")
OVERDUE = _("overdue")


class RunExportForm(forms.Form):
    subject = forms.ModelChoiceField(
        label=_("Person"),
        queryset=User.objects.filter(role__in=ADULT_ROLES),
        help_text=_("A parent, carer or member of staff. A pupil's data is in their parents'."),
    )
    requested_on = forms.DateField(
        label=_("Request received on"),
        initial=timezone.localdate,
        help_text=_("The deadline is one calendar month later."),
    )

    def __init__(self, *args: Any, admin_site: admin.AdminSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        subject = cast(forms.ModelChoiceField, self.fields["subject"])
        widget = AutocompleteSelect(DataExport._meta.get_field("subject"), admin_site)
        widget.choices = subject.choices
        widget.is_required = True
        subject.widget = widget
        self.fields["requested_on"].widget = AdminDateWidget()


class OverdueFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("yes", _("Overdue")),
            ("month", _("Due within the month")),
            ("open", _("Not answered yet")),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[DataExport]
    ) -> QuerySet[DataExport]:
        unanswered = Q(status__in=UNANSWERED)
        if self.value() == "yes":
            return queryset.filter(unanswered, deadline__lt=timezone.localdate())
        if self.value() == "month":
            return queryset.filter(due_within_the_month())
        if self.value() == "open":
            return queryset.filter(unanswered)
        return queryset


@admin.register(DataExport)
class DataExportAdmin(OfficeOnlyAdmin):
    may_manage = staticmethod(can_manage_exports)
    change_list_template = "privacy/export_admin_changelist.html"
    list_display = [
        "subject",
        "requested_by",
        "requested_on",
        "deadline_flagged",
        "status",
        "progress",
        "built_at",
        "expires_at",
        "download",
    ]
    list_filter = [OverdueFilter, "status"]
    list_select_related = ["subject", "requested_by"]
    search_fields = ["subject__email", "subject__first_name", "subject__last_name"]
    date_hierarchy = "created_at"
    fields = readonly_fields = (
        "subject",
        "requested_by",
        "requested_on",
        "deadline",
        "status",
        "progress",
        "created_at",
        "built_at",
        "expires_at",
        "size",
        "error",
    )

    @admin.display(description=_("deadline"), ordering="deadline")
    def deadline_flagged(self, obj: DataExport) -> str:
        deadline = date_format(obj.deadline)
        if obj.is_overdue:
            return format_html("<strong>{} ({})</strong>", deadline, OVERDUE)
        return deadline

    @admin.display(description=_("file"))
    def download(self, obj: DataExport) -> str:
        if not obj.is_downloadable:
            return "–"
        url = reverse("admin:privacy_dataexport_download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        own = [
            path("run/", wrap(self.run_view), name="privacy_dataexport_run"),
            path(
                "<int:pk>/download/", wrap(self.download_view), name="privacy_dataexport_download"
            ),
        ]
        return own + super().get_urls()

    def run_view(self, request: HttpRequest) -> HttpResponse:
        """Run an export for a person, on a request received on a given date."""
        if not can_manage_exports(request.user):
            raise PermissionDenied
        form = RunExportForm(request.POST or None, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid():
            try:
                export = export_request(
                    acting_user=signed_in_user(request),
                    subject=form.cleaned_data["subject"],
                    requested_on=form.cleaned_data["requested_on"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                params = {"name": export.subject, "deadline": export.deadline}
                self.message_user(request, STARTED % params, messages.SUCCESS)
                return redirect("admin:privacy_dataexport_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "media": self.media + form.media,
            "title": _("Run a data export"),
        }
        return TemplateResponse(request, "privacy/export_admin_run.html", context)

    def download_view(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        """The ZIP, for office staff and leaders; each download is in the audit log."""
        if not can_manage_exports(request.user):
            raise PermissionDenied
        export = get_object_or_404(DataExport, pk=pk)
        try:
            export_download(acting_user=signed_in_user(request), export=export)
        except ValidationError:
            self.message_user(request, NOT_DOWNLOADABLE, messages.WARNING)
            return redirect("admin:privacy_dataexport_changelist")
        return export_response(export)
