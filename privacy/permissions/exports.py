"""Who may do what with data exports (R28): one predicate per action, and the queryset twin."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts.models import ADMIN_ROLES, ADULT_ROLES
from accounts.permissions.accounts import has_role

from ..models import DataExport


def can_export_own_data(user: Any) -> bool:
    """Parents and staff download their own data; pupils' data reaches their parents."""
    return has_role(user, *ADULT_ROLES)


def can_manage_exports(user: Any) -> bool:
    """Office staff and leaders run exports for anyone and download them from the admin."""
    return has_role(user, *ADMIN_ROLES)


def can_be_exported(person: Any) -> bool:
    """An export is about an adult with an account; a pupil's data is in their parents'."""
    return bool(getattr(person, "role", None) in ADULT_ROLES)


def exports_visible_to(user: Any) -> QuerySet[DataExport]:
    """The exports a person sees on their own pages: those they asked for about themselves.
    Exports the office ran on their behalf are handed over by the office."""
    if not can_export_own_data(user):
        return DataExport.objects.none()
    return DataExport.objects.filter(subject=user, requested_by=user)
