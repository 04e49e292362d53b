"""What the audit log records (R28). Kept apart from the models so that any module may import
it at load time, before Django's app registry is ready."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    EXPORT_REQUESTED = "export_requested", _("Data export requested")
    EXPORT_DOWNLOADED = "export_downloaded", _("Data export downloaded")
    ACCOUNT_DELETED = "account_deleted", _("Account deleted")
    PUPIL_LEFT = "pupil_left", _("Pupil marked as left")
    RETENTION_RUN = "retention_run", _("Retention job run")
    PERSONAL_DATA_ERASED = "personal_data_erased", _("Personal data erased")
    CONSENT_CHANGED = "consent_changed", _("Consent changed")
    INVITE_CREATED = "invite_created", _("Invite code made")
    INVITE_REVOKED = "invite_revoked", _("Invite code cancelled")
    LETTER_REPRINTED = "letter_reprinted", _("Lost invite letter reprinted")
    LINK_CREATED = "link_created", _("Parent linked to a child")
    LINK_REMOVED = "link_removed", _("Parent unlinked from a child")
    EXTRA_REQUEST_APPROVED = "extra_request_approved", _("Third carer's request approved")
    EXTRA_REQUEST_REFUSED = "extra_request_refused", _("Third carer's request refused")
    WARNING_GIVEN = "warning_given", _("Formal warning given")
    SUSPENDED = "suspended", _("Account suspended")
    UNSUSPENDED = "unsuspended", _("Account reinstated")
    ACCOUNT_CREATED = "account_created", _("Account made")
    ROLE_CHANGED = "role_changed", _("Role changed")
    PASSWORD_EMAIL_SENT = "password_email_sent", _("Password email sent")
    ADMIN_ADDED = "admin_added", _("Added in the admin")
    ADMIN_CHANGED = "admin_changed", _("Changed in the admin")
    ADMIN_DELETED = "admin_deleted", _("Deleted in the admin")
    TWO_FACTOR_RESET = "two_factor_reset", _("Two-factor sign-in reset")
