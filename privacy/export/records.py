"""The school's records about the person: audit-log entries about them, about their children,
or of what they did (R28), and their own data requests with their deadlines."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from audit.services import subject_type
from classes.models import Pupil

from ..models import DataExport
from .base import Area, Part, Subject


def _audit(subject: Subject) -> list[dict[str, Any]]:
    user = subject.user
    about = Q(subject_type=subject_type(type(user)), subject_id=str(user.pk))
    if subject.child_ids:
        about |= Q(
            subject_type=subject_type(Pupil), subject_id__in=[str(pk) for pk in subject.child_ids]
        )
    # Whether a child is looked after is for the school's staff only, never for a family.
    looked_after = Q(subject_type=subject_type(Pupil), details__consent="looked_after")
    entries = (
        AuditEntry.objects.filter(about | Q(actor=user)).exclude(looked_after).order_by("at", "pk")
    )
    return [
        {
            "when": e.at,
            "what": e.get_action_display(),
            "by": str(_("you")) if e.actor_id == user.pk else e.actor_label,
            "record": e.subject_label,
            "details": e.details,
        }
        for e in entries.iterator(chunk_size=2000)
    ]


def _requests(subject: Subject) -> list[dict[str, Any]]:
    rows = DataExport.objects.filter(subject=subject.user).order_by("created_at", "pk")
    return [
        {
            "received": e.requested_on,
            "deadline": e.deadline,
            "asked_by": str(_("you"))
            if e.requested_by_id == subject.user.pk
            else str(_("the school office")),
            "status": e.get_status_display(),
            "built": e.built_at,
        }
        for e in rows
    ]


def build(subject: Subject) -> Part:
    return Part({"audit_log": _audit(subject), "data_requests": _requests(subject)})


AREA = Area(
    filename="records.json",
    description=_(
        "The school's audit log entries about you and your children, and of what you did "
        "(who, when, what); and your requests for a copy of your data, with their deadlines."
    ),
    covers={"audit.AuditEntry": "audit_log", "privacy.DataExport": "data_requests"},
    build=build,
)
