"""Writes to the school's structure. Only the office changes it (R1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from .models import SchoolClass
from .permissions import can_manage_school
from .selectors import SUPPORT, TEACH

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def staff_assign(
    *, acting_user: User, staff: User, school_class: SchoolClass, teaches: bool
) -> SchoolClass:
    """Make ``staff`` a teacher (``teaches``) or support staff of ``school_class``."""
    if not can_manage_school(acting_user):
        raise PermissionDenied
    codename, other = (TEACH, SUPPORT) if teaches else (SUPPORT, TEACH)
    remove_perm(f"classes.{other}", staff, school_class)
    assign_perm(f"classes.{codename}", staff, school_class)
    return school_class
