"""Who may do what with consent: one predicate per action."""

from __future__ import annotations

from typing import Any

from accounts.models import ADMIN_ROLES, ParentLink, Role
from accounts.permissions.accounts import has_role
from classes.models import SchoolClass
from classes.selectors import staff_class_ids


def can_manage_consent(user: Any) -> bool:
    """Only the office and leaders record consent and looked-after status (R11)."""
    return has_role(user, *ADMIN_ROLES)


def can_view_roster(user: Any, school_class: SchoolClass) -> bool:
    """The class's staff (assigned, or covering now), the office and leaders see its roster."""
    if can_manage_consent(user):
        return True
    return has_role(user, Role.TEACHER, Role.SUPPORT) and school_class.pk in staff_class_ids(user)


def can_agree_data_processing(user: Any, pupil_ids: set[int]) -> bool:
    """A parent agrees for their own linked children only (one query)."""
    if not has_role(user, Role.PARENT):
        return False
    linked = ParentLink.objects.filter(parent=user, pupil_id__in=pupil_ids)
    return set(linked.values_list("pupil_id", flat=True)) == pupil_ids
