"""Reads for pupils' sign-in pages and the staff pages around them (fixed query counts)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from classes.models import Pupil, SchoolClass
from classes.names import NamedPupil, display_names, named_pupils

from ..models import ClassTablet, User
from ..permissions.pupils import (
    can_manage_class_tablets,
    can_show_class_sign_in,
    can_unlock_pupil_code,
)


def normalise_class_code(code: str) -> str:
    """Codes are shown in capitals; pupils may type them in any case, with spaces or dashes."""
    return "".join(code.split()).replace("-", "").upper()


def sign_in_class_by_code(code: str) -> SchoolClass | None:
    """The class whose sign-in code is ``code`` (one query), or None."""
    code = normalise_class_code(code)
    if not code:
        return None
    return SchoolClass.objects.filter(class_code=code).first()


def sign_in_pupils(school_class: SchoolClass) -> list[NamedPupil]:
    """The class's current pupils by display name, in name order (two queries, any class size)."""
    pupils = named_pupils(Pupil.objects.current().filter(school_class=school_class))
    return sorted(pupils, key=lambda p: (p.display_name.casefold(), p.pupil.pk))


def get_sign_in_pupil(school_class: SchoolClass, pupil_id: int) -> NamedPupil:
    """A current pupil of ``school_class``, with picture code row and display name; else 404."""
    pupil = get_object_or_404(
        Pupil.objects.current().select_related("login"), pk=pupil_id, school_class=school_class
    )
    return named_pupils([pupil])[0]


def get_class_for_sign_in_staff(user: Any, class_id: int) -> SchoolClass:
    """The class, if ``user`` may show its sign-in code; otherwise it does not exist (404)."""
    school_class = get_object_or_404(SchoolClass, pk=class_id)
    if not can_show_class_sign_in(user, school_class):
        raise Http404
    return school_class


def get_pupil_for_unlock(user: Any, pupil_id: int) -> NamedPupil:
    """The pupil (with display name) if ``user`` may unlock their picture code; else 404."""
    pupil = get_object_or_404(Pupil, pk=pupil_id)
    if not can_unlock_pupil_code(user, pupil):
        raise Http404
    return named_pupils([pupil])[0]


def pupil_display_name(user: User) -> str:
    """The display name of the pupil whose account ``user`` is (one query)."""
    return display_names([user.pupil])[user.pupil.pk]


def get_class_for_tablets(user: Any, class_id: int) -> SchoolClass:
    """The class, if ``user`` may set up and forget its classroom tablets; otherwise 404."""
    school_class = get_object_or_404(SchoolClass, pk=class_id)
    if not can_manage_class_tablets(user, school_class):
        raise Http404
    return school_class


def class_tablets(school_class: SchoolClass) -> list[ClassTablet]:
    """The class's classroom tablets still in use (not forgotten, not expired), newest first
    (one query)."""
    rows = ClassTablet.objects.filter(
        school_class=school_class, forgotten_at__isnull=True, expires_at__gt=timezone.now()
    )
    return list(rows)


def get_tablet_for(user: Any, tablet_id: int) -> ClassTablet:
    """A classroom tablet (with its class) if ``user`` may forget it; otherwise 404."""
    tablet = get_object_or_404(ClassTablet.objects.select_related("school_class"), pk=tablet_id)
    if not can_manage_class_tablets(user, tablet.school_class):
        raise Http404
    return tablet
