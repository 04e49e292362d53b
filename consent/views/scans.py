"""Scans of signed consent forms (R8, R14): only the office and leaders open them, here and
nowhere else (there is no public media URL).

A scan is reached through the history row that stored it, so every scan ever uploaded stays
reachable as evidence, and ``PupilConsent.scan`` (the one on file now) is one of them.
"""

from __future__ import annotations

from typing import cast

from django.db.models import FileField
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET

from accounts.http import AuthedRequest
from accounts.permissions.accounts import can_use_admin
from core.files import protected_file_response

from ..models import ConsentChange, PupilConsent
from ..permissions import can_manage_consent


def _scan_file(change: ConsentChange) -> FieldFile:
    field = cast(FileField, PupilConsent._meta.get_field("scan"))
    return FieldFile(PupilConsent(pupil_id=change.pupil_id), field, change.scan_name)


@require_GET
def scan(request: AuthedRequest, change_id: int) -> HttpResponseBase:
    """The scan stored with one history row. It does not exist (404) for anyone but the
    office and leaders, nor for a row without a scan; and it asks for the same second factor
    as the admin that links to it."""
    if not can_manage_consent(request.user):
        raise Http404
    if not can_use_admin(request.user):
        return redirect("admin_needs_mfa")
    change = get_object_or_404(ConsentChange.objects.exclude(scan_name=""), pk=change_id)
    file = _scan_file(change)
    if not file.storage.exists(change.scan_name):
        raise Http404
    suffix = change.scan_name.rsplit(".", 1)[-1]
    download_name = f"consent-form-{change.changed_at:%Y-%m-%d}-{change.pk}.{suffix}"
    return protected_file_response(file, download_name=download_name)
