"""Skills: the school's (leaders) and a class's own (its teacher) (R25)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from classes.models import SchoolClass

from ..icons import ICONS, UNKNOWN_ICON
from ..models import Skill
from ..permissions import can_manage_class_skills, can_manage_school_skills


@transaction.atomic
def skill_create(
    *,
    acting_user: User,
    name: str,
    kind: str,
    value: int,
    icon: str,
    school_class: SchoolClass | None = None,
) -> Skill:
    """A new skill for the whole school (``school_class`` None: leaders) or for one class."""
    allowed = (
        can_manage_school_skills(acting_user)
        if school_class is None
        else can_manage_class_skills(acting_user, school_class)
    )
    if not allowed:
        raise PermissionDenied
    skill = Skill(
        name=name.strip(),
        kind=kind,
        value=value,
        icon=icon,
        school_class=school_class,
        created_by=acting_user,
    )
    if icon not in ICONS:
        raise ValidationError({"icon": UNKNOWN_ICON})
    skill.full_clean()
    skill.save()
    return skill


@transaction.atomic
def skill_archive(*, acting_user: User, skill: Skill) -> Skill:
    """Hide a skill from awarding; awards already given keep it."""
    allowed = (
        can_manage_school_skills(acting_user)
        if skill.school_class is None
        else can_manage_class_skills(acting_user, skill.school_class)
    )
    if not allowed:
        raise PermissionDenied
    skill.archived = True
    skill.save(update_fields=["archived"])
    return skill
