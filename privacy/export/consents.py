"""Consent: the data-processing forms the parent agreed to (R4), and the school's record of
photo consent for each of their children with its history (R11, R14).

Whether a child is looked after (LA care) is safeguarding information: it is not in the
download. The office answers a request for it in person. For the same reason, history rows
that changed only that status are left out.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from consent.models import ConsentChange, DataProcessingAgreement, MediaStatus, PupilConsent

from .base import Area, Part, Subject


def _status(value: str) -> str:
    return str(MediaStatus(value).label) if value else str(_("No form received"))


def _agreements(subject: Subject) -> list[dict[str, Any]]:
    rows = (
        DataProcessingAgreement.objects.filter(parent=subject.user)
        .select_related("form")
        .order_by("agreed_at")
    )
    return [
        {
            "child": subject.child_name(a.pupil_id) or None,
            "form": a.form.title,
            "version": a.form.version,
            "agreed": a.agreed_at,
        }
        for a in rows
    ]


def _photo_consent(subject: Subject) -> list[dict[str, Any]]:
    records = PupilConsent.objects.filter(pupil_id__in=subject.child_ids).order_by("pupil_id")
    return [
        {
            "child": subject.child_name(c.pupil_id),
            "photo_consent": _status(c.media_status),
            "date_of_the_form": c.form_date,
            "recorded": c.recorded_at,
        }
        for c in records
    ]


def _history(subject: Subject) -> list[dict[str, Any]]:
    changes = (
        ConsentChange.objects.filter(pupil_id__in=subject.child_ids)
        .exclude(old_status=F("new_status"))
        .order_by("changed_at", "pk")
    )
    return [
        {
            "child": subject.child_name(c.pupil_id),
            "changed": c.changed_at,
            "from": _status(c.old_status),
            "to": _status(c.new_status),
            "date_of_the_form": c.form_date,
            "evidence": c.evidence,
        }
        for c in changes
    ]


def build(subject: Subject) -> Part:
    return Part(
        {
            "data_processing_agreements": _agreements(subject),
            "photo_consent": _photo_consent(subject),
            "photo_consent_history": _history(subject),
        }
    )


AREA = Area(
    filename="consents.json",
    description=_(
        "Consent: the data-processing forms you agreed to, and the school's record of photo "
        "consent for each of your children with its changes."
    ),
    covers={
        "consent.DataProcessingAgreement": "data_processing_agreements",
        "consent.PupilConsent": "photo_consent",
        "consent.ConsentChange": "photo_consent_history",
    },
    build=build,
)
