"""The "Download my data" pages (R28) for parents and staff: ask for a copy, watch it being
made (the page polls every 2 seconds with htmx, and shows the same when reloaded without
JavaScript), download it. Another person's export does not exist here (404); an expired one
says so and offers a new one."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages as flash
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthedRequest
from accounts.models import ADULT_ROLES
from accounts.permissions.accounts import role_required
from core.files import protected_file_response

from ..models import DataExport
from ..selectors import export_current, export_for, exports_recent
from ..services.export import KEEP_FOR, export_download, export_request

ASKED = _("We are making a copy of your data. You can leave this page and come back.")
ALREADY_ASKED = _("A copy of your data is already being made: here it is.")


# For anyone who cannot export their own data (pupils, ``can_export_own_data``) these pages do
# not exist.
export_allowed = role_required(*ADULT_ROLES)


def _context(request: AuthedRequest, export: DataExport | None) -> dict[str, Any]:
    return {
        "export": export,
        "keep_days": KEEP_FOR.days,
        "is_parent": request.user.role == "parent",
    }


@require_http_methods(["GET", "POST"])
@export_allowed
def export_page(request: AuthedRequest) -> HttpResponse:
    """The account's "Download my data" page; POST asks for a new copy (or the one in making)."""
    if request.method == "POST":
        before = exports_recent(request.user)
        export = export_request(acting_user=request.user)
        reused = any(e.pk == export.pk for e in before)
        flash.success(request, ALREADY_ASKED if reused else ASKED)
        return redirect("privacy_export_status", key=export.key)
    exports = exports_recent(request.user)
    context = {**_context(request, export_current(exports)), "exports": exports}
    return render(request, "privacy/export.html", context)


@require_GET
@export_allowed
def export_status(request: AuthedRequest, key: uuid.UUID) -> HttpResponse:
    """One export's progress: the whole page, or (for htmx's poll) the progress part only."""
    export = export_for(request.user, key)
    partial = request.htmx
    template = "privacy/export_progress.html" if partial else "privacy/export_status.html"
    return render(request, template, _context(request, export))


@require_GET
@export_allowed
def export_file(request: AuthedRequest, key: uuid.UUID) -> HttpResponseBase:
    """The ZIP itself, to the person who asked for it; an expired export explains itself."""
    export = export_for(request.user, key)
    if export.is_expired:
        return render(
            request, "privacy/export_expired.html", _context(request, export), status=410
        )
    if not export.is_downloadable:
        return redirect("privacy_export_status", key=export.key)
    export_download(acting_user=request.user, export=export)
    return export_response(export)


def export_response(export: DataExport) -> HttpResponseBase:
    """The ZIP as a download (also for the office's admin), never cached anywhere."""
    day = export.built_at.date().isoformat() if export.built_at else "copy"
    name = f"my-data-{day}.zip"
    return protected_file_response(
        export.file, download_name=name, content_type="application/zip", as_attachment=True
    )
