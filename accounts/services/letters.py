"""Reprinting a parent's lost invite letter (R2).

Codes are stored hashed, so nobody can tell which code was on the lost letter: a reprint
cancels every code of the pupil that could still be used, then makes new ones. The old letter
stops working the moment the new one is printed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import AuditAction, audit_record, audit_record_many
from classes.models import Pupil

from ..models import InviteCode, ParentLink, User
from ..permissions.accounts import can_manage_accounts
from ..selectors.invites import invite_codes_still_working
from .invites import invite_codes_create, pupil_is_current
from .reasons import check_reason

PUPIL_HAS_LEFT = _(
    "%(name)s is not in a class now (they have left, or have no class yet): no letter was "
    "printed and their codes were not changed."
)


@dataclass(frozen=True)
class Reprint:
    """What a reprint did: the codes it cancelled and the new codes, with their plaintext."""

    pupil: Pupil
    cancelled: int
    made: list[tuple[InviteCode, str]]


def codes_for_reprint(pupil: Pupil) -> int:
    """One code for each parent or carer who may still join, and at least one (a third carer's
    code becomes a request for the office, R3)."""
    linked = ParentLink.objects.filter(pupil=pupil).count()
    return max(1, settings.MAX_PARENTS_PER_PUPIL - linked)


@transaction.atomic
def invite_letter_reprint(*, acting_user: User, pupil: Pupil, reason: str) -> Reprint:
    """Cancel ``pupil``'s codes that still work and make a new letter's codes (office and
    leaders only, R1). Refuses, changing nothing, a pupil not in a class now and a reason
    over ``REASON_MAX_LENGTH`` characters. Audited as one reprint with the reason, and each
    cancelled and new code on its own."""
    if not can_manage_accounts(acting_user):
        raise PermissionDenied
    reason = check_reason(reason)
    # The pupil's row serialises reprints and redemptions for one child (as in a redemption).
    pupil = (
        Pupil.objects.select_for_update(of=("self",))
        .select_related("school_class")
        .get(pk=pupil.pk)
    )
    if not pupil_is_current(pupil):
        raise ValidationError(PUPIL_HAS_LEFT, params={"name": str(pupil)})
    now = timezone.now()
    still_working = list(invite_codes_still_working(pupil).select_for_update())
    InviteCode.objects.filter(pk__in=[invite.pk for invite in still_working]).update(
        revoked_at=now
    )
    audit_record_many(
        AuditAction.INVITE_REVOKED,
        actor=acting_user,
        subjects=still_working,
        details={"pupil": pupil.pk, "reprint": True},
    )
    made = invite_codes_create(
        acting_user=acting_user, pupils=[pupil], per_pupil=codes_for_reprint(pupil)
    )
    audit_record(
        AuditAction.LETTER_REPRINTED,
        actor=acting_user,
        subject=pupil,
        details={
            "cancelled": [invite.pk for invite in still_working],
            "made": [invite.pk for invite, _code in made],
            "reason": reason,
        },
    )
    return Reprint(pupil=pupil, cancelled=len(still_working), made=made)
