"""Giving points and taking them back (R25). Staff of the class only; undo by the author only."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from classes.models import Pupil, SchoolClass

from ..models import Award, Skill
from ..permissions import can_award_in_class

NO_PUPILS = _("Choose at least one pupil.")
SKILL_NOT_FOR_CLASS = _("This skill belongs to another class.")
SKILL_ARCHIVED = _("This skill is no longer used. Choose another.")
NOTE_TOO_LONG = _("Keep the note for parents to 200 characters.")
NOTHING_TO_UNDO = _("There is nothing to undo: those points were already taken back.")


def _check_skill(skill: Skill, school_class: SchoolClass) -> None:
    if skill.school_class_id not in (None, school_class.pk):
        raise ValidationError({"skill": SKILL_NOT_FOR_CLASS})
    if skill.archived:
        raise ValidationError({"skill": SKILL_ARCHIVED})


def _pupils_of(school_class: SchoolClass, pupil_ids: Iterable[int] | None) -> set[int]:
    """The ids to award, read once: all current pupils of the class, or ``pupil_ids`` if each
    is one of them (otherwise 404)."""
    wanted = None if pupil_ids is None else set(pupil_ids)
    if wanted is not None and not wanted:
        raise ValidationError(NO_PUPILS)
    in_class = Pupil.objects.current().filter(school_class=school_class)
    if wanted is not None:
        in_class = in_class.filter(pk__in=wanted)
    found = set(in_class.values_list("pk", flat=True))
    if not found:
        raise ValidationError(NO_PUPILS)
    if wanted is not None and found != wanted:
        raise Http404
    return found


@transaction.atomic
def points_award(
    *,
    acting_user: User,
    school_class: SchoolClass,
    pupil_ids: Iterable[int] | None,
    skill: Skill,
    note: str = "",
    batch: uuid.UUID | None = None,
) -> list[Award]:
    """Give ``skill`` to pupils of ``school_class`` (``pupil_ids=None``: all its current pupils)
    in one bulk write; returns the batch's awards.

    A pupil who is not a current pupil of the class makes the whole call a 404 (one family
    never learns of another class's children). Repeating a call with the same ``batch`` adds
    nothing, so a double-click gives one award.
    """
    if not can_award_in_class(acting_user, school_class):
        raise PermissionDenied
    _check_skill(skill, school_class)
    if len(note) > 200:
        raise ValidationError({"note": NOTE_TOO_LONG})
    ids = _pupils_of(school_class, pupil_ids)
    batch = batch or uuid.uuid4()
    now = timezone.now()
    Award.objects.bulk_create(
        [
            Award(
                pupil_id=pk,
                school_class=school_class,
                skill=skill,
                value=skill.value,
                note=note.strip(),
                awarded_by=acting_user,
                awarded_at=now,
                batch=batch,
            )
            for pk in sorted(ids)
        ],
        ignore_conflicts=True,
    )
    return list(Award.objects.filter(batch=batch).select_related("skill"))


@transaction.atomic
def points_undo(*, acting_user: User, batch: uuid.UUID) -> int:
    """Take back one click's points; only the person who gave them can (R25)."""
    awards = Award.objects.select_for_update().filter(batch=batch)
    authors = set(awards.values_list("awarded_by_id", flat=True))
    if not authors:
        raise ValidationError(NOTHING_TO_UNDO)
    if authors != {acting_user.pk}:
        raise PermissionDenied
    deleted, _by_model = awards.delete()
    return deleted
