"""Lists the office prints and takes to a spreadsheet (issue 21): each list page in the admin
has "Print" (a page of its own, with the portal's print stylesheet) and "Download CSV" (every
cell through ``consent.imports.export.safe_cell``, so no cell runs as a formula), both of the
rows the page's filters and search show, not only the page of 100 on screen."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.functional import Promise
from django.utils.text import slugify

from accounts.admin.base import OfficeOnlyAdmin
from classes.selectors import school_get

from ..imports.export import csv_text
from ..permissions import can_manage_consent


class OfficeListAdmin(OfficeOnlyAdmin):
    """A read-only list with a print view and a CSV download. Subclasses give the columns
    (``list_headers``) and the rows of a queryset (``list_rows``, a fixed number of queries)."""

    may_manage = staticmethod(can_manage_consent)
    change_list_template = "admin/consent/office_list/change_list.html"
    list_per_page = 100

    def list_headers(self) -> Sequence[str | Promise]:
        raise NotImplementedError

    def list_rows(self, queryset: QuerySet[Any]) -> list[list[object]]:
        raise NotImplementedError

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "print/",
                self.admin_site.admin_view(self.print_view),
                name="{}_{}_print".format(*info),
            ),
            path(
                "csv/", self.admin_site.admin_view(self.csv_view), name="{}_{}_csv".format(*info)
            ),
            *super().get_urls(),
        ]

    def _filtered(self, request: HttpRequest) -> QuerySet[Any]:
        """The rows the list page shows for the same filters and search, all of them."""
        changelist = self.get_changelist_instance(request)
        return changelist.get_queryset(request)

    def _guard(self, request: HttpRequest) -> None:
        if not self.has_view_permission(request):
            raise PermissionDenied

    def print_view(self, request: HttpRequest) -> HttpResponse:
        self._guard(request)
        context = {
            "title": self.opts.verbose_name_plural,
            "school": school_get(),
            "headers": self.list_headers(),
            "rows": self.list_rows(self._filtered(request)),
            "back_url": f"../?{request.GET.urlencode()}",
        }
        return render(request, "admin/consent/office_list/print.html", context)

    def csv_view(self, request: HttpRequest) -> HttpResponse:
        self._guard(request)
        text = csv_text(self.list_headers(), self.list_rows(self._filtered(request)))
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        name = slugify(str(self.opts.verbose_name_plural)) or "list"
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        query = request.GET.urlencode()
        context = {
            **(extra_context or {}),
            "print_url": f"print/?{query}" if query else "print/",
            "csv_url": f"csv/?{query}" if query else "csv/",
        }
        return super().changelist_view(request, context)
