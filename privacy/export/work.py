"""A member of staff's work records: the classes they are assigned to and cover, and the
records that name them as the one who acted (an award given, a consent recorded, a suspension
decided). Those records are about pupils and other families, so the file says what and when,
not their content, which stays with the school."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermission

from classes.models import CoverAssignment, SchoolClassUserObjectPermission

from .base import Area, Part, Subject

# (model, the field naming the person who acted, the field saying when)
ACTED: tuple[tuple[str, str, str | None], ...] = (
    ("accounts.InviteCode", "created_by", "created_at"),
    ("accounts.ExtraParentRequest", "decided_by", "decided_at"),
    ("accounts.Suspension", "suspended_by", "suspended_at"),
    ("accounts.Suspension", "lifted_by", "lifted_at"),
    ("consent.PupilConsent", "recorded_by", "recorded_at"),
    ("consent.ConsentChange", "changed_by", "changed_at"),
    ("consent.PupilImport", "uploaded_by", "applied_at"),
    ("points.Skill", "created_by", None),
    ("points.Award", "awarded_by", "awarded_at"),
    ("messaging.Thread", "assigned_to", "created_at"),
    ("messaging.Flag", "flagged_by", "created_at"),
    ("messaging.Flag", "decided_by", "decided_at"),
    ("messaging.ParentWarning", "given_by", "given_at"),
    ("admin.LogEntry", "user", "action_time"),
    ("privacy.DataExport", "requested_by", "created_at"),
)


def _records(subject: Subject) -> list[dict[str, Any]]:
    rows = []
    for label, actor, when in ACTED:
        model = apps.get_model(label)
        found = model._default_manager.filter(**{actor: subject.user})
        if label == "privacy.DataExport":  # their own requests are in records.json
            found = found.exclude(subject=subject.user)
        what = str(model._meta.verbose_name)
        role = str(model._meta.get_field(actor).verbose_name)
        for pk, at in found.order_by("pk").values_list("pk", when or "pk").iterator():
            rows.append({"record": what, "you_are": role, "id": pk, "when": at if when else None})
    return rows


def _assignments(subject: Subject) -> dict[str, list[dict[str, Any]]]:
    user = subject.user
    classes = SchoolClassUserObjectPermission.objects.filter(user=user).select_related(
        "permission", "content_object"
    )
    other = UserObjectPermission.objects.filter(user=user).select_related(
        "permission", "content_type"
    )
    covers = CoverAssignment.objects.filter(teacher=user).select_related("school_class")
    return {
        "class_assignments": [
            {"class": a.content_object.name, "as": a.permission.name} for a in classes
        ],
        "other_permissions": [
            {"permission": p.permission.name, "on": str(p.content_type), "id": p.object_pk}
            for p in other
        ],
        "cover": [
            {"class": c.school_class.name, "from": c.starts_at, "until": c.ends_at}
            for c in covers.order_by(F("starts_at").asc())
        ],
    }


def build(subject: Subject) -> Part:
    return Part({**_assignments(subject), "records_you_made": _records(subject)})


AREA = Area(
    filename="work.json",
    description=_(
        "For staff: your class assignments and cover, and the records that name you as the "
        "one who acted (for example points given or consent recorded): what and when."
    ),
    covers={
        "classes.SchoolClassUserObjectPermission": "class_assignments",
        "guardian.UserObjectPermission": "other_permissions",
        "classes.CoverAssignment": "cover",
        **{label: "records_you_made" for label, _actor, _when in ACTED},
    },
    build=build,
)
