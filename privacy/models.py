"""Data protection records (R28): subject-access exports.

A ``DataExport`` is one request for a copy of everything the school holds about a person (and,
for a parent, their children): who it is about, who asked (the person, or the office on a
request received by letter or email), the date the request was received and the legal deadline
(one calendar month later), and the ZIP once built. The ZIP lives in the private media storage
under a random name and is only ever handed out by a permission-checked view (R8); it is
deleted from storage seven days after it was built.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# What each constraint says when it is broken.
PROGRESS_OVER_100 = _("Progress is a percentage: at most 100.")
DEADLINE_BEFORE_REQUEST = _("The deadline must be after the day the request was received.")
EXPORT_IN_PROGRESS = _("An export for this person is being made already: wait until it is ready.")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be built")
    BUILDING = "building", _("Being built")
    READY = "ready", _("Ready to download")
    FAILED = "failed", pgettext_lazy("a copy of someone's data", "Failed")
    EXPIRED = "expired", pgettext_lazy("a copy of someone's data", "Expired")


IN_PROGRESS = (ExportStatus.QUEUED, ExportStatus.BUILDING)
# Not answered yet: no file was handed over (a failed build must be run again).
UNANSWERED = (*IN_PROGRESS, ExportStatus.FAILED)


def export_path(instance: object, filename: str) -> str:
    """Exports are stored under random names, never the person's name or id (R8)."""
    return f"exports/{secrets.token_urlsafe(24)}.zip"


class DataExport(models.Model):
    """One subject-access request and the ZIP that answers it (R28)."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="data_exports",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_on = models.DateField(
        _("request received"), help_text=_("The date the school received the request.")
    )
    deadline = models.DateField(
        _("deadline"), help_text=_("One calendar month after the request was received.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(upload_to=export_path, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # When a worker claimed it (the claim's mark: only that worker stores the file), and when
    # that worker last renewed the claim: one not renewed for ``claims.CLAIM_TTL`` was lost
    # with its worker and may be taken again.
    started_at = models.DateTimeField(null=True, blank=True)
    renewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    built_at = models.DateTimeField(_("built"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="export_progress_pct",
                violation_error_code="progress_over_100",
                violation_error_message=PROGRESS_OVER_100,
            ),
            models.CheckConstraint(
                condition=Q(deadline__gt=F("requested_on")),
                name="export_deadline_after_request",
                violation_error_code="deadline_before_request",
                violation_error_message=DEADLINE_BEFORE_REQUEST,
            ),
            # A second request while one is being built reuses it.
            models.UniqueConstraint(
                fields=["subject", "requested_by"],
                condition=Q(status__in=["queued", "building"]),
                name="one_export_in_progress",
                violation_error_code="export_in_progress",
                violation_error_message=EXPORT_IN_PROGRESS,
            ),
        ]
        indexes = [
            models.Index(
                fields=["expires_at"], condition=Q(status="ready"), name="export_expiry_due"
            ),
            models.Index(fields=["status", "created_at"], name="export_status"),
        ]

    def __str__(self) -> str:
        return f"data export #{self.pk} of {self.subject_id}"

    @property
    def is_in_progress(self) -> bool:
        return self.status in IN_PROGRESS

    @property
    def is_expired(self) -> bool:
        """Past its 7 days: the nightly expiry may not have deleted the file yet."""
        if self.status == ExportStatus.EXPIRED:
            return True
        return bool(self.expires_at and self.expires_at <= timezone.now())

    @property
    def is_downloadable(self) -> bool:
        return self.status == ExportStatus.READY and bool(self.file) and not self.is_expired

    @property
    def is_overdue(self) -> bool:
        """Not answered by the deadline: still waiting, building or failed after it."""
        return self.status in UNANSWERED and timezone.localdate() > self.deadline
