"""A pupil's monster: the pupil chooses it, staff of the class can reset it (R27)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from classes.models import Pupil

from ..avatars import parts_from
from ..models import Avatar
from ..permissions import can_reset_avatar


@transaction.atomic
def avatar_set(*, acting_user: User, parts: Mapping[str, Any]) -> Avatar:
    """Save the signed-in pupil's own monster. Only a pupil, only for themselves.

    A forged choice (unknown kind or part, a missing kind) raises ``ValidationError`` with
    ``points.avatars.FORGED_PART`` and saves nothing.
    """
    pupil = getattr(acting_user, "pupil", None)
    if acting_user.role != Role.PUPIL or pupil is None:
        raise PermissionDenied
    chosen = parts_from(parts)
    avatar = Avatar.objects.select_for_update().filter(pupil=pupil).first() or Avatar(pupil=pupil)
    for kind, value in chosen.items():
        setattr(avatar, kind, value)
    avatar.updated_at = timezone.now()
    avatar.full_clean()
    avatar.save()
    return avatar


@transaction.atomic
def avatar_reset(*, acting_user: User, pupil: Pupil) -> None:
    """Delete a pupil's monster so their default one shows again. Staff of the pupil's class,
    the office and leaders only (``can_reset_avatar``)."""
    if not can_reset_avatar(acting_user, pupil):
        raise PermissionDenied
    Avatar.objects.filter(pupil=pupil).delete()
