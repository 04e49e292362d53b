"""The office imports pupils from the school's records (a CSV export) in the admin.

Upload → preview (every row's problems, nothing written) → apply the good rows → result. The
uploaded file waits between preview and apply in ``VAR_DIR/imports`` under a random name
(:mod:`consent.imports.storage`); the session keeps its token with its SHA-256, and every step
reads and checks the file again, so the browser is trusted with nothing. The list of past
imports is read-only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.decorators import method_decorator
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import signed_in_user

from ..imports.apply import FILE_NAME_MAX_LENGTH, pupil_import_apply
from ..imports.export import problem_rows_csv
from ..imports.parse import FILE_TOO_LARGE, MAX_BYTES, MAX_ROWS
from ..imports.storage import upload_delete, upload_read, upload_store, uploads_sweep
from ..imports.validate import ImportPlan, pupil_import_plan
from ..models import PupilImport
from ..permissions import can_manage_consent
from .common import OfficeConsentAdmin

SESSION_KEY = "consent_pupil_imports"
PREVIEWS_KEPT = 5
URL_PREFIX = "consent_pupilimport"

UPLOAD_TITLE = _("Import pupils from a CSV file")
PREVIEW_TITLE = _("Check the import before anything is written")
RESULT_TITLE = _("Pupils imported")
FILE_LABEL = _("CSV file")
FILE_HELP = _(
    "Exported from the school’s records (SIMS, Arbor, Bromcom…) as CSV, at most %(rows)s "
    "pupils and %(megabytes)s MB."
)
PREVIEW_GONE = _(
    "That preview is no longer available: it was applied, or it is more than a day old. "
    "Upload the file again."
)
APPLIED = _("The import is done.")


class PupilImportForm(forms.Form):
    file = forms.FileField(
        label=FILE_LABEL, widget=forms.FileInput(attrs={"accept": ".csv,text/csv"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the reader's thousands separator ("10,000" in English, "10 000" in Polish)
        rows = number_format(MAX_ROWS, force_grouping=True)
        limits = {"rows": rows, "megabytes": MAX_BYTES // 1024 // 1024}
        self.fields["file"].help_text = FILE_HELP % limits

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                FILE_TOO_LARGE, code="too_large", params={"megabytes": MAX_BYTES // 1024 // 1024}
            )
        return upload


def _remember(request: HttpRequest, token: str, plan: ImportPlan) -> None:
    kept = dict(request.session.get(SESSION_KEY, {}))
    kept[token] = {"sha256": plan.file_sha256, "name": plan.file_name}
    request.session[SESSION_KEY] = dict(list(kept.items())[-PREVIEWS_KEPT:])


def _forget(request: HttpRequest, token: str) -> None:
    kept = dict(request.session.get(SESSION_KEY, {}))
    kept.pop(token, None)
    request.session[SESSION_KEY] = kept


def _check(request: HttpRequest) -> None:
    """Only the office and leaders import (the admin's own gate already demands TOTP)."""
    if not can_manage_consent(request.user):
        raise PermissionDenied


def _plan_for(request: HttpRequest, token: str) -> ImportPlan | None:
    """The plan of the file this session uploaded as ``token``, checked again now; None (with
    a message) when it is gone, too old, or not the file the session saw."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    data = upload_read(token, entry["sha256"]) if entry else None
    if entry is None or data is None:
        messages.error(request, PREVIEW_GONE)
        return None
    return pupil_import_plan(
        acting_user=signed_in_user(request), data=data, file_name=entry["name"]
    )


@admin.register(PupilImport)
class PupilImportAdmin(OfficeConsentAdmin):
    """Past imports (read-only), and the import itself under "Import pupils from a CSV"."""

    list_display = [
        "applied_at",
        "file_name",
        "uploaded_by",
        "rows_total",
        "rows_with_problems",
        "pupils_created",
        "consents_changed",
        "invites_created",
        "invites_emailed",
    ]
    list_select_related = ["uploaded_by"]
    change_list_template = "admin/consent/import_changelist.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[PupilImport]:
        return super().get_queryset(request).select_related("uploaded_by")

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        own = [
            path("upload/", wrap(self.upload_view), name=f"{URL_PREFIX}_upload"),
            path("preview/<str:token>/", wrap(self.preview_view), name=f"{URL_PREFIX}_preview"),
            path("preview/<str:token>/apply/", wrap(self.apply_view), name=f"{URL_PREFIX}_apply"),
            path(
                "preview/<str:token>/problems.csv",
                wrap(self.problems_view),
                name=f"{URL_PREFIX}_problems",
            ),
            path("<int:pk>/result/", wrap(self.result_view), name=f"{URL_PREFIX}_result"),
        ]
        return own + super().get_urls()

    def _render(
        self, request: HttpRequest, template: str, context: dict[str, Any]
    ) -> TemplateResponse:
        base = {**self.admin_site.each_context(request), "opts": self.opts}
        return TemplateResponse(request, f"admin/consent/{template}", {**base, **context})

    @method_decorator(require_http_methods(["GET", "POST"]))
    def upload_view(self, request: HttpRequest) -> HttpResponse:
        """The upload form; a file that can be read is kept, and its preview shown."""
        _check(request)
        form = PupilImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            name = Path(upload.name or "").name[:FILE_NAME_MAX_LENGTH]
            try:
                plan = pupil_import_plan(
                    acting_user=signed_in_user(request), data=data, file_name=name
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                uploads_sweep()
                token = upload_store(data)
                _remember(request, token, plan)
                return redirect(f"admin:{URL_PREFIX}_preview", token=token)
        return self._render(request, "import_upload.html", {"title": UPLOAD_TITLE, "form": form})

    @method_decorator(require_GET)
    def preview_view(self, request: HttpRequest, token: str) -> HttpResponse:
        """Every row's problems and what applying would do; nothing is written."""
        _check(request)
        plan = _plan_for(request, token)
        if plan is None:
            return redirect(f"admin:{URL_PREFIX}_upload")
        context = {"title": PREVIEW_TITLE, "plan": plan, "token": token}
        return self._render(request, "import_preview.html", context)

    @method_decorator(require_POST)
    def apply_view(self, request: HttpRequest, token: str) -> HttpResponse:
        """Apply the file's good rows, checked again now, then forget the file."""
        _check(request)
        plan = _plan_for(request, token)
        if plan is None:
            return redirect(f"admin:{URL_PREFIX}_upload")
        try:
            record = pupil_import_apply(acting_user=signed_in_user(request), plan=plan)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(f"admin:{URL_PREFIX}_preview", token=token)
        upload_delete(token)
        _forget(request, token)
        messages.success(request, APPLIED)
        return redirect(f"admin:{URL_PREFIX}_result", pk=record.pk)

    @method_decorator(require_GET)
    def problems_view(self, request: HttpRequest, token: str) -> HttpResponse:
        """The preview's rows with problems as a CSV file, every cell neutralised."""
        _check(request)
        plan = _plan_for(request, token)
        if plan is None:
            return redirect(f"admin:{URL_PREFIX}_upload")
        response = HttpResponse(problem_rows_csv(plan), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="pupils-with-problems.csv"'
        return response

    @method_decorator(require_GET)
    def result_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """What an applied import did."""
        _check(request)
        record = get_object_or_404(PupilImport, pk=pk)
        context = {"title": RESULT_TITLE, "record": record}
        return self._render(request, "import_result.html", context)
