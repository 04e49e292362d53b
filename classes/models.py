"""The school's structure: the school itself, classes, pupils, who teaches what and when."""

from __future__ import annotations

import secrets
import zoneinfo
from datetime import time
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from core.constraints import ConstraintErrorsOnFields

from .validators import validate_first_name, validate_surname

# What each constraint says when a form breaks it (shown beside the field it is about).
ONE_SCHOOL = _("This installation serves one school: change its details instead.")
DAY_ENDS_BEFORE_IT_STARTS = _("The working day must end after it starts.")
CLASS_NAME_TAKEN = _("There is a class with this name in this school year already.")
COVER_ENDS_BEFORE_IT_STARTS = _("The cover must end after it starts.")
CLOSURE_ENDS_BEFORE_IT_STARTS = _("The last day cannot be before the first day.")

# Codes people type: no 0/O and no 1/I, so nobody has to guess which one was meant.
TYPEABLE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class School(ConstraintErrorsOnFields, models.Model):
    """The one school this installation serves."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=150)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    working_days = models.CharField(
        _("working days"),
        max_length=7,
        default="12345",
        validators=[RegexValidator(r"^[1-7]{1,7}$", _("Use ISO weekday numbers, 1 = Monday."))],
        help_text=_("ISO weekday numbers, 1 = Monday … 7 = Sunday."),
    )
    working_day_starts = models.TimeField(_("working day starts"), default=time(8, 0))
    working_day_ends = models.TimeField(_("working day ends"), default=time(17, 0))
    office_phone = models.CharField(_("office phone"), max_length=30, blank=True)
    support_staff_messaging = models.BooleanField(
        _("support staff can message parents"),
        default=False,
        help_text=_("Off by default: parents message class teachers only (R18)."),
    )
    office_email = models.EmailField(_("office email"), blank=True)
    parents_may_download_media = models.BooleanField(
        _("parents can download photos and recordings"),
        default=False,
        help_text=_(
            "Off by default: parents view a post's photos and recordings in the portal, and only "
            "staff have a download button."
        ),
    )
    staff_two_factor_required = models.BooleanField(
        _("all staff sign in with two-factor"),
        default=False,
        help_text=_(
            "Office staff and leaders always need two-factor sign-in. Tick this to ask it of "
            "teachers and support staff too, before any page of the portal."
        ),
    )
    max_recording_minutes = models.PositiveSmallIntegerField(
        _("longest recording (minutes)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_(
            "Videos and sound recordings longer than this are refused when a post is written "
            "(R36)."
        ),
    )
    staff_emails_per_day = models.PositiveSmallIntegerField(
        _("most emails a member of staff gets a day"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Each sweep sends a member of staff at most one email of each kind, summarising what "
            "came in; past this number in a working day, the rest waits in the portal (R31)."
        ),
    )

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("school")
        constraints = [
            models.CheckConstraint(
                condition=Q(singleton=True),
                name="school_is_singleton",
                violation_error_code="one_school",
                violation_error_message=ONE_SCHOOL,
            ),
            models.CheckConstraint(
                condition=Q(working_day_starts__lt=models.F("working_day_ends")),
                name="school_working_day_starts_before_it_ends",
                violation_error_code="day_ends_before_it_starts",
                violation_error_message=DAY_ENDS_BEFORE_IT_STARTS,
            ),
        ]

    constraint_fields = {"day_ends_before_it_starts": "working_day_ends"}

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class YearGroup(models.IntegerChoices):
    NURSERY = 0, _("Nursery")
    RECEPTION = 1, _("Reception")
    YEAR_1 = 2, _("Year 1")
    YEAR_2 = 3, _("Year 2")
    YEAR_3 = 4, _("Year 3")
    YEAR_4 = 5, _("Year 4")
    YEAR_5 = 6, _("Year 5")
    YEAR_6 = 7, _("Year 6")


YEAR_GROUP_LABELS = dict(YearGroup.choices)


def new_class_code() -> str:
    return "".join(secrets.choice(TYPEABLE_ALPHABET) for _ in range(6))


class SchoolClass(ConstraintErrorsOnFields, models.Model):
    """A class in one academic year; its staff are django-guardian object permissions."""

    name = models.CharField(_("name"), max_length=60)
    year_group = models.IntegerField(_("year group"), choices=YearGroup.choices)
    academic_year = models.PositiveSmallIntegerField(
        _("academic year"), help_text=_("The year it starts in: 2026 for 2026–27.")
    )
    class_code = models.CharField(
        _("class code"),
        max_length=12,
        unique=True,
        default=new_class_code,
        help_text=_("Pupils type this (or scan its QR code) to sign in."),
    )
    language = models.CharField(
        _("language for pupils"),
        max_length=10,
        blank=True,
        choices=[(code, name) for code, name in settings.LANGUAGES if code != "en-gb"],
        help_text=_(
            "The language of the pages this class's pupils see when they sign in. Leave it "
            "empty for English."
        ),
    )

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["-academic_year", "year_group", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "name"],
                name="class_name_unique_per_year",
                violation_error_code="class_name_taken",
                violation_error_message=CLASS_NAME_TAKEN,
            )
        ]
        permissions = [
            ("teach_class", _("Teaches this class")),
            ("support_class", _("Supports this class")),
        ]

    constraint_fields = {"class_name_taken": "name"}

    def __str__(self) -> str:
        # Every row of the admin's pupil list prints one: a dictionary lookup, where
        # ``get_year_group_display`` rebuilds the field's choices each time.
        return f"{self.name} ({YEAR_GROUP_LABELS.get(self.year_group, self.year_group)})"

    @property
    def academic_year_label(self) -> str:
        return f"{self.academic_year}–{(self.academic_year + 1) % 100:02d}"


class SchoolClassUserObjectPermission(UserObjectPermissionBase):
    """A staff assignment: django-guardian's object permission with a direct foreign key."""

    content_object = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="staff_permissions"
    )

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")

    def __str__(self) -> str:
        return f"{self.user} – {self.permission.name} – {self.content_object}"


# What a query of pupils yields: pupils, a proxy of them, or either with annotations.
_PupilT = TypeVar("_PupilT", bound="Pupil")


class PupilQuerySet(models.QuerySet[_PupilT]):
    def current(self) -> PupilQuerySet[_PupilT]:
        return self.filter(leaving_date__isnull=True, school_class__isnull=False)


class Pupil(models.Model):
    """A child. Never shown by full name outside the office: use ``classes.names`` (R6)."""

    first_name = models.CharField(_("first name"), max_length=60, validators=[validate_first_name])
    surname = models.CharField(_("surname"), max_length=60, validators=[validate_surname])
    date_of_birth = models.DateField(_("date of birth"))
    school_class = models.ForeignKey(
        SchoolClass,
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        related_name="pupils",
        null=True,
        blank=True,
    )
    leaving_date = models.DateField(_("leaving date"), null=True, blank=True)
    home_language = models.CharField(
        _("home language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_(
            "The family's language, from the school's records: invite letters are printed in "
            "English and in this language. Empty when it is not known or the portal does not "
            "offer it."
        ),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pupil",
        editable=False,
    )

    objects = PupilQuerySet.as_manager()

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        ordering = ["first_name", "surname", "id"]
        indexes = [models.Index(fields=["school_class", "first_name"])]

    def __str__(self) -> str:
        # Only the office sees this (the admin); pages use classes.names.display_names.
        return f"{self.first_name} {self.surname}"


class CoverAssignment(ConstraintErrorsOnFields, models.Model):
    """A teacher covers a class for a window of time (PPA cover)."""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("teacher"),
        on_delete=models.CASCADE,
        related_name="cover_assignments",
    )
    school_class = models.ForeignKey(
        SchoolClass, verbose_name=_("class"), on_delete=models.CASCADE, related_name="covers"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        verbose_name = _("cover assignment")
        verbose_name_plural = _("cover assignments")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")),
                name="cover_starts_before_it_ends",
                violation_error_code="cover_ends_before_it_starts",
                violation_error_message=COVER_ENDS_BEFORE_IT_STARTS,
            )
        ]
        indexes = [models.Index(fields=["teacher", "ends_at"])]

    constraint_fields = {"cover_ends_before_it_starts": "ends_at"}

    def __str__(self) -> str:
        return f"{self.teacher} covers {self.school_class}"


class Closure(ConstraintErrorsOnFields, models.Model):
    """Days the school is closed (INSET days, holidays, snow days): the clock stops."""

    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=120)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")),
                name="closure_ends_after_it_starts",
                violation_error_code="closure_ends_before_it_starts",
                violation_error_message=CLOSURE_ENDS_BEFORE_IT_STARTS,
            )
        ]

    constraint_fields = {"closure_ends_before_it_starts": "ends_on"}

    def __str__(self) -> str:
        return f"{self.reason} ({self.starts_on}–{self.ends_on})"
