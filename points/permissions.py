"""Who may do what with points, skills and avatars: one predicate per action (R25–R27)."""

from __future__ import annotations

from typing import Any

from accounts.models import ADMIN_ROLES, ParentLink, Role
from accounts.permissions.accounts import has_role
from classes.models import Pupil, SchoolClass
from classes.selectors import TEACH, classes_assigned_to, staff_class_ids


def can_award_in_class(user: Any, school_class: SchoolClass) -> bool:
    """Teachers and support staff of the class (assigned, or covering now) award points."""
    return has_role(user, Role.TEACHER, Role.SUPPORT, Role.LEADER) and (
        school_class.pk in staff_class_ids(user)
    )


def can_manage_school_skills(user: Any) -> bool:
    """Leaders set the skills of the whole school."""
    return has_role(user, Role.LEADER)


def can_manage_class_skills(user: Any, school_class: SchoolClass) -> bool:
    """The class teacher sets the class's own skills (and leaders may too)."""
    if can_manage_school_skills(user):
        return True
    return has_role(user, Role.TEACHER) and (
        classes_assigned_to(user, codenames=(TEACH,)).filter(pk=school_class.pk).exists()
    )


def _is_class_staff(user: Any, class_id: int | None) -> bool:
    """Teacher or support staff of the class (assigned, or covering now)."""
    return (
        class_id is not None
        and has_role(user, Role.TEACHER, Role.SUPPORT)
        and class_id in staff_class_ids(user)
    )


def can_view_class_points(user: Any, school_class: SchoolClass) -> bool:
    """A class's points and reports are for its staff, the office and leaders (R26)."""
    return has_role(user, *ADMIN_ROLES) or _is_class_staff(user, school_class.pk)


def can_view_pupil_points(user: Any, pupil: Pupil) -> bool:
    """A child's points are seen by their parents, the child, and staff of the class (R26)."""
    if has_role(user, *ADMIN_ROLES):
        return True
    if has_role(user, Role.PUPIL):
        return getattr(user, "pupil", None) is not None and user.pupil.pk == pupil.pk
    if has_role(user, Role.PARENT):
        return ParentLink.objects.filter(parent=user, pupil=pupil).exists()
    return _is_class_staff(user, pupil.school_class_id)


def can_reset_avatar(user: Any, pupil: Pupil) -> bool:
    """Staff of the pupil's class (or the office and leaders) can reset a monster."""
    return has_role(user, *ADMIN_ROLES) or _is_class_staff(user, pupil.school_class_id)
