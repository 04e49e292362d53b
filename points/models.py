"""Skills, awards and monster avatars (R25–R27)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from classes.models import Pupil, SchoolClass
from core.constraints import ConstraintErrorsOnFields

# What each constraint says when a form breaks it (shown beside the field it is about).
SKILL_VALUE_OUT_OF_RANGE = _(
    "A positive skill is worth 1 to 5 points, a needs-work skill 0 to −5."
)
SCHOOL_SKILL_NAME_TAKEN = _("There is a school-wide skill with this name already.")
CLASS_SKILL_NAME_TAKEN = _("This class has a skill with this name already.")
AWARDED_ALREADY = _("This award has been given to this pupil already.")


class SkillKind(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEEDS_WORK = "needs_work", _("Needs work")


class Skill(ConstraintErrorsOnFields, models.Model):
    """What a point is for. School-wide (no class, set by leaders) or a class's own skill."""

    name = models.CharField(_("name"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=SkillKind.choices)
    value = models.SmallIntegerField(
        _("points"), help_text=_("+1 to +5 for a positive skill, 0 to −5 for needs work.")
    )
    icon = models.CharField(_("icon"), max_length=20, help_text=_("One of the built-in icons."))
    school_class = models.ForeignKey(
        SchoolClass,
        verbose_name=_("class"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="skills",
        help_text=_("Empty for a skill of the whole school."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    archived = models.BooleanField(
        _("archived"), default=False, help_text=_("Hidden from awarding; past awards keep it.")
    )

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["-kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="positive") & Q(value__gte=1) & Q(value__lte=5))
                | (Q(kind="needs_work") & Q(value__gte=-5) & Q(value__lte=0)),
                name="skill_value_fits_its_kind",
                violation_error_code="skill_value_out_of_range",
                violation_error_message=SKILL_VALUE_OUT_OF_RANGE,
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(school_class__isnull=True),
                name="school_skill_name_unique",
                violation_error_code="school_skill_name_taken",
                violation_error_message=SCHOOL_SKILL_NAME_TAKEN,
            ),
            models.UniqueConstraint(
                fields=["school_class", "name"],
                name="class_skill_name_unique",
                violation_error_code="class_skill_name_taken",
                violation_error_message=CLASS_SKILL_NAME_TAKEN,
            ),
        ]

    constraint_fields = {
        "skill_value_out_of_range": "value",
        "school_skill_name_taken": "name",
        "class_skill_name_taken": "name",
    }

    def __str__(self) -> str:
        return f"{self.name} ({self.value:+d})"


class Award(models.Model):
    """Points given to one pupil for a skill. One click of a teacher is one ``batch`` (one
    pupil, several, or the whole class): undo removes the batch, and a repeated click with
    the same batch id adds nothing (a double-click gives one award, not two)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="awards")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="awards")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="awards")
    value = models.SmallIntegerField(help_text=_("The skill's points when it was given."))
    note = models.CharField(_("note for parents"), max_length=200, blank=True)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    awarded_at = models.DateTimeField(default=timezone.now)
    batch = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-awarded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "pupil"],
                name="one_award_per_click_and_pupil",
                violation_error_code="awarded_already",
                violation_error_message=AWARDED_ALREADY,
            )
        ]
        indexes = [
            models.Index(fields=["pupil", "awarded_at"]),
            models.Index(fields=["school_class", "awarded_at"]),
            models.Index(fields=["awarded_at"]),
        ]

    def __str__(self) -> str:
        words = {"points": self.value, "pupil": self.pupil_id}
        return str(_("%(points)+d to pupil %(pupil)s") % words)


class Avatar(models.Model):
    """A pupil's monster, drawn by the server from a fixed set of parts (R27)."""

    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="avatar")
    body = models.CharField(max_length=20)
    eyes = models.CharField(max_length=20)
    mouth = models.CharField(max_length=20)
    colour = models.CharField(max_length=20)
    # Ears and patterns came after the first monsters: "none" is what those monsters had.
    ears = models.CharField(max_length=20, default="none")
    pattern = models.CharField(max_length=20, default="none")
    accessory = models.CharField(max_length=20)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("avatar")
        verbose_name_plural = _("avatars")

    def __str__(self) -> str:
        return str(_("monster of pupil %(pupil)s") % {"pupil": self.pupil_id})
