"""Who may manage pupils' sign-in: picture codes, locks and the class's sign-in code."""

from __future__ import annotations

from typing import Any

from classes.models import Pupil, SchoolClass
from classes.selectors import staff_class_ids

from ..models import Role
from .accounts import can_manage_accounts, has_role

CLASS_STAFF_ROLES = (Role.TEACHER, Role.SUPPORT)


def _works_with_class(user: Any, class_id: int | None, roles: tuple[str, ...]) -> bool:
    """``user`` has one of ``roles`` and is assigned to, or covering now, class ``class_id``."""
    return class_id is not None and has_role(user, *roles) and class_id in staff_class_ids(user)


def can_set_pupil_code(user: Any, pupil: Pupil) -> bool:
    """The office and leaders, or a teacher of the pupil's class (assigned or covering now)."""
    return can_manage_accounts(user) or _works_with_class(
        user, pupil.school_class_id, (Role.TEACHER,)
    )


def can_unlock_pupil_code(user: Any, pupil: Pupil) -> bool:
    """The office and leaders, or the staff of the pupil's class (assigned or covering now)."""
    return can_manage_accounts(user) or _works_with_class(
        user, pupil.school_class_id, CLASS_STAFF_ROLES
    )


def can_show_class_sign_in(user: Any, school_class: SchoolClass) -> bool:
    """The office and leaders, or the class's staff, may show its sign-in code and QR code."""
    return can_manage_accounts(user) or _works_with_class(user, school_class.pk, CLASS_STAFF_ROLES)


def can_manage_class_tablets(user: Any, school_class: SchoolClass) -> bool:
    """The office and leaders, or the class's staff, may set up and forget its classroom
    tablets (each opens only the class's sign-in page)."""
    return can_manage_accounts(user) or _works_with_class(user, school_class.pk, CLASS_STAFF_ROLES)
