"""What the consent admin pages share: who sees them, how a status reads, service errors."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.forms import Form
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from accounts.admin.base import OfficeOnlyAdmin

from ..models import MediaStatus, PupilConsent
from ..permissions import can_manage_consent

STATUS_LABELS = {
    MediaStatus.GRANTED.value: _("Granted"),
    MediaStatus.REFUSED.value: _("Refused"),
    MediaStatus.WITHDRAWN.value: _("Withdrawn"),
    "": _("No record"),
}
GRANTED_ON = _("Granted (form %(date)s)")
YES, NO = _("Yes"), _("No")


def consent_of(pupil: Any) -> PupilConsent | None:
    """The pupil's record, or None when the office has never recorded anything for them."""
    return getattr(pupil, "consent", None)


def consent_label(consent: PupilConsent | None) -> str:
    """The status in words: “Granted (form 3 Sep 2026)”, “Refused”, “Withdrawn”, “No record”."""
    status = consent.media_status if consent else ""
    if consent and status == MediaStatus.GRANTED and consent.form_date:
        when = date_format(consent.form_date, pgettext("date format", "j M Y"))
        return str(GRANTED_ON % {"date": when})
    return str(STATUS_LABELS[status])


def add_service_error(form: Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its field when the form has one, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class OfficeConsentAdmin(OfficeOnlyAdmin):
    """Seen by office staff and leaders only (R11); nothing is added, changed or deleted
    unless a subclass says so."""

    may_manage = staticmethod(can_manage_consent)
