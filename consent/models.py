"""Consent kept by the office: media consent and looked-after status per pupil (R11, R14), and
parents' data-processing consent (R4)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from classes.models import Pupil
from core.constraints import ConstraintErrorsOnFields

# What each constraint says when a form breaks it (shown beside the field it is about).
FORM_DATE_NEEDED = _("Give the date written on the signed consent form.")
CONTACT_KNOWN = _("This address is in the school’s records for this child already.")
AGREED_ALREADY = _("This parent agreed to this version of the form for this child already.")


class MediaStatus(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def scan_path(instance: object, filename: str) -> str:
    """Scans of consent forms are stored under random names, never the uploaded one (R8)."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"consent-scans/{secrets.token_urlsafe(24)}.{suffix}"


class PupilConsent(ConstraintErrorsOnFields, models.Model):
    """The office's record for one pupil. No row, or no status, means no media consent (R11)."""

    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="consent")
    media_status = models.CharField(
        _("media consent"),
        max_length=10,
        choices=MediaStatus.choices,
        blank=True,
        help_text=_("Empty means no form has been received: no consent (R11)."),
    )
    form_date = models.DateField(
        _("date of the written form"),
        null=True,
        blank=True,
        help_text=_("The date written on the paper form that the parent or carer signed."),
    )
    scan = models.FileField(_("scan of the form"), upload_to=scan_path, blank=True)
    looked_after = models.BooleanField(
        _("looked-after child (LA care)"),
        default=False,
        help_text=_("A looked-after child never appears in media, whatever the consent says."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("pupil consent")
        verbose_name_plural = _("pupil consent")
        constraints = [
            models.CheckConstraint(
                condition=~Q(media_status="granted") | Q(form_date__isnull=False),
                name="granted_consent_has_a_form_date",
                violation_error_code="form_date_needed",
                violation_error_message=FORM_DATE_NEEDED,
            )
        ]

    constraint_fields = {"form_date_needed": "form_date"}

    def __str__(self) -> str:
        return str(_("consent of pupil %(pupil)s") % {"pupil": self.pupil_id})


class ConsentChange(models.Model):
    """One change of a pupil's consent or looked-after status: who, when, what, evidence (R14).

    Append-only: written by ``consent.services`` and never edited.
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="consent_changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("when"), default=timezone.now)
    old_status = models.CharField(max_length=10, choices=MediaStatus.choices, blank=True)
    new_status = models.CharField(max_length=10, choices=MediaStatus.choices, blank=True)
    old_looked_after = models.BooleanField(default=False)
    new_looked_after = models.BooleanField(default=False)
    form_date = models.DateField(_("date of the written form"), null=True, blank=True)
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    scan_name = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("consent change")
        verbose_name_plural = _("consent history")
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["pupil", "-changed_at"])]

    def __str__(self) -> str:
        return f"{self.changed_at:%Y-%m-%d %H:%M} pupil {self.pupil_id}"


class DataProcessingForm(models.Model):
    """A version of the school's data-processing consent form (R4), kept by the office."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        verbose_name = _("data-processing consent form")
        verbose_name_plural = _("data-processing consent forms")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class DataProcessingAgreement(models.Model):
    """A parent agreed to a version of the form for one child: what, and when (R4)."""

    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dp_agreements"
    )
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="dp_agreements")
    form = models.ForeignKey(
        DataProcessingForm, on_delete=models.PROTECT, related_name="agreements"
    )
    agreed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("data-processing agreement")
        verbose_name_plural = _("data-processing agreements")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "pupil", "form"],
                name="dp_agreed_once_per_child_and_version",
                violation_error_code="agreed_already",
                violation_error_message=AGREED_ALREADY,
            )
        ]

    def __str__(self) -> str:
        return str(
            _("%(parent)s agreed to version %(version)s for pupil %(pupil)s")
            % {"parent": self.parent, "version": self.form.version, "pupil": self.pupil_id}
        )


class ConsentPupil(Pupil):
    """Pupils as the office's consent pages see them (a proxy: no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = _("pupil's media consent")
        verbose_name_plural = _("media consent")


class PupilImport(models.Model):
    """One applied import of pupils from the school's records (a CSV export): who, when, what."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied"), default=timezone.now)
    file_name = models.CharField(_("file"), max_length=200)
    file_sha256 = models.CharField(max_length=64, editable=False)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_with_problems = models.PositiveIntegerField(_("rows with problems"), default=0)
    pupils_created = models.PositiveIntegerField(_("pupils added"), default=0)
    consents_changed = models.PositiveIntegerField(_("consents changed"), default=0)
    invites_created = models.PositiveIntegerField(_("invite codes made"), default=0)
    invites_emailed = models.PositiveIntegerField(_("invites emailed"), default=0)

    class Meta:
        verbose_name = _("pupil import")
        verbose_name_plural = _("pupil imports")
        ordering = ["-applied_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.applied_at:%Y-%m-%d %H:%M})"


class FamilyContact(ConstraintErrorsOnFields, models.Model):
    """A parent's or carer's email address as the school's records give it (the pupil import,
    or the office by hand), so that the office can see who has not joined yet and remind them
    (issue 21). A parent's own account, once they join, is what the portal uses after that."""

    pupil = models.ForeignKey(
        Pupil, verbose_name=_("child"), on_delete=models.CASCADE, related_name="family_contacts"
    )
    email = models.EmailField(_("email address"))
    added_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("parent not yet joined")
        verbose_name_plural = _("parents not yet joined")
        ordering = ["pupil__school_class__name", "pupil__first_name", "email"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "email"],
                name="family_contact_once_per_pupil",
                violation_error_code="contact_known",
                violation_error_message=CONTACT_KNOWN,
            )
        ]

    constraint_fields = {"contact_known": "email"}

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower()


class ClassListPupil(Pupil):
    """Current pupils as the office's printable class lists see them (a proxy)."""

    class Meta:
        proxy = True
        verbose_name = _("class list")
        verbose_name_plural = _("class lists")
