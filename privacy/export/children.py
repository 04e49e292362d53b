"""A parent's children as the school holds them (R6: by display name), the links and requests
that joined them, and their monsters (R27)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.models import ExtraParentRequest, InviteCode, ParentLink
from classes.models import Pupil
from classes.names import display_names
from points.models import Avatar

from .base import Area, Part, Subject


def _child(pupil: Pupil, name: str, linked_at: object, avatar: Avatar | None) -> dict[str, Any]:
    school_class = pupil.school_class
    return {
        "name": name,
        "class": school_class.name if school_class else None,
        "year_group": str(school_class.get_year_group_display()) if school_class else None,
        "date_of_birth": pupil.date_of_birth,
        "left_school": pupil.leaving_date,
        "linked_to_you": linked_at,
        "monster": (
            {
                "body": avatar.body,
                "eyes": avatar.eyes,
                "mouth": avatar.mouth,
                "colour": avatar.colour,
                "ears": avatar.ears,
                "pattern": avatar.pattern,
                "accessory": avatar.accessory,
                "changed": avatar.updated_at,
            }
            if avatar
            else None
        ),
    }


def _children(subject: Subject) -> list[dict[str, Any]]:
    links = dict(
        ParentLink.objects.filter(parent=subject.user).values_list("pupil_id", "created_at")
    )
    avatars = {a.pupil_id: a for a in Avatar.objects.filter(pupil_id__in=subject.child_ids)}
    return [
        _child(p, subject.child_name(p.pk), links.get(p.pk), avatars.get(p.pk))
        for p in subject.children
    ]


def _requests_and_invites(subject: Subject) -> dict[str, list[dict[str, Any]]]:
    """Links asked for beyond two carers (R3) and invite codes redeemed (R2): the child of
    each by display name, whether or not the link was made."""
    requests = list(
        ExtraParentRequest.objects.filter(parent=subject.user)
        .select_related("pupil")
        .order_by("created_at")
    )
    invites = list(
        InviteCode.objects.filter(used_by=subject.user).select_related("pupil").order_by("used_at")
    )
    names = display_names({r.pupil for r in requests} | {i.pupil for i in invites})
    return {
        "link_requests": [
            {
                "child": names[r.pupil_id],
                "asked": r.created_at,
                "status": str(r.get_status_display()),
                "decided": r.decided_at,
            }
            for r in requests
        ],
        "invite_codes_used": [{"child": names[i.pupil_id], "used": i.used_at} for i in invites],
    }


def build(subject: Subject) -> Part:
    return Part({"children": _children(subject), **_requests_and_invites(subject)})


AREA = Area(
    filename="children.json",
    description=_(
        "Your children as the school holds them: first name as shown in the portal, class, "
        "date of birth, when they were linked to your account and their monster; invite codes "
        "you used and any request to be linked as a further carer."
    ),
    covers={
        "classes.Pupil": "children",
        "accounts.ParentLink": "children",
        "points.Avatar": "children",
        "accounts.ExtraParentRequest": "link_requests",
        "accounts.InviteCode": "invite_codes_used",
    },
    build=build,
)
