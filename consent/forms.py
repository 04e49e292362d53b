"""Forms of the office's consent pages in the admin. They only parse what the office typed:
every write goes through ``consent.services`` (R11, R14)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from media.scans import scan_suffix

from .models import MediaStatus, PupilConsent

# The status field's value for "no form received" (the record's empty status): a real value,
# so that a form posted without a choice is refused rather than read as "no record".
NO_RECORD = "none"
STATUS_CHOICES = [
    (MediaStatus.GRANTED.value, _("Granted")),
    (MediaStatus.REFUSED.value, _("Refused")),
    (MediaStatus.WITHDRAWN.value, _("Withdrawn")),
    (NO_RECORD, _("No record (no form received)")),
]
# Browsers send a date picker's value as ISO; people type the British way.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
SCAN_TYPES = "application/pdf,image/jpeg,image/png"


def date_field(*, required: bool, label: Any, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


def evidence_field() -> forms.CharField:
    return forms.CharField(
        label=_("Evidence note"),
        required=False,
        max_length=300,
        help_text=_("Where the information came from, e.g. “Paper form handed in at the office”."),
    )


class ConsentRecordForm(forms.Form):
    """One pupil's consent as the paper form says it, with an optional scan of the form."""

    status = forms.ChoiceField(
        label=_("Media consent"),
        choices=STATUS_CHOICES,
        widget=forms.RadioSelect,
        help_text=_(
            "Refused or withdrawn: posts whose photos or recordings tag this pupil are hidden "
            "from parents at once and sent back to their authors."
        ),
    )
    form_date = date_field(
        required=False,
        label=_("Date of the written form"),
        help_text=_("The date on the form the parent or carer signed (needed for “Granted”)."),
    )
    # Empty files reach ``clean_scan`` so that the office gets the scan checker's own message.
    scan = forms.FileField(
        label=_("Scan of the form"),
        required=False,
        allow_empty_file=True,
        widget=forms.FileInput(attrs={"accept": SCAN_TYPES}),
        help_text=_("Optional: a PDF, JPEG or PNG file of up to 10 MB."),
    )
    looked_after = forms.BooleanField(
        label=_("Looked-after child (LA care)"),
        required=False,
        help_text=_("A looked-after child never appears in media, whatever the consent says."),
    )
    evidence = evidence_field()

    def __init__(self, *args: Any, consent: PupilConsent | None = None, **kwargs: Any) -> None:
        kwargs["initial"] = {
            "status": (consent.media_status if consent else "") or NO_RECORD,
            "form_date": consent.form_date if consent else None,
            "looked_after": consent.looked_after if consent else False,
        }
        super().__init__(*args, **kwargs)

    def clean_scan(self) -> UploadedFile | None:
        scan: UploadedFile | None = self.cleaned_data.get("scan")
        if scan is not None:
            scan_suffix(scan)  # by content: a PDF, JPEG or PNG, not empty, at most 10 MB
        return scan

    @property
    def media_status(self) -> str:
        """The status for ``media_consent_record``: a ``MediaStatus`` or "" (no record)."""
        status: str = self.cleaned_data["status"]
        return "" if status == NO_RECORD else status

    @property
    def looked_after_changed(self) -> bool:
        return "looked_after" in self.changed_data


class BulkGrantForm(forms.Form):
    """Consent granted for several pupils at once: the forms' date is asked first."""

    form_date = date_field(
        required=True,
        label=_("Date of the written forms"),
        help_text=_("The date on the signed forms (one date for all the selected pupils)."),
    )
    evidence = evidence_field()


class BulkConfirmForm(forms.Form):
    """Consent refused or withdrawn for several pupils: the office confirms first."""

    form_date = date_field(
        required=False,
        label=_("Date of the parents’ note (optional)"),
    )
    evidence = evidence_field()
