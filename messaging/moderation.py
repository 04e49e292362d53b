"""R23: a teacher flags a parent's message as inappropriate; a leader decides, with the thread
in view: no action, the parent's one formal warning, or — only after a warning — suspending
the account (R5). Every step is recorded; a warned parent is told in the portal and by email."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from accounts.permissions.accounts import has_role
from accounts.services.suspensions import account_suspend
from audit import AuditAction, audit_record

from .models import Flag, Message, ParentWarning
from .notices import warning_notify

ALREADY_FLAGGED = _("This message is already with the school's leaders.")
ALREADY_DECIDED = _("This flag has already been decided.")
PARENT_GONE = _(
    "The parent or carer has deleted their account: there is nobody to warn or suspend. "
    "Choose “No action”."
)
REASON_NEEDED = _("Please write the reason: the parent reads it.")
WARNING_FIRST = _("A parent is given one formal warning before their account can be suspended.")


def can_flag(user: User, message: Message) -> bool:
    """The teacher of the thread flags a parent's message."""
    return message.from_parent and message.thread.teacher_id == user.pk


def can_moderate(user: User) -> bool:
    """Leaders (the line managers) decide flags."""
    return has_role(user, Role.LEADER)


@transaction.atomic
def message_flag(*, acting_user: User, message: Message, reason: str = "") -> Flag:
    if not can_flag(acting_user, message):
        raise PermissionDenied
    try:
        with transaction.atomic():
            return Flag.objects.create(message=message, flagged_by=acting_user, reason=reason)
    except IntegrityError:
        raise ValidationError(ALREADY_FLAGGED, code="flagged") from None


def _decide(flag: Flag, leader: User, outcome: str) -> None:
    if flag.decided_at is not None:
        raise ValidationError(ALREADY_DECIDED, code="decided")
    flag.decided_by, flag.decided_at, flag.outcome = leader, timezone.now(), outcome
    flag.save(update_fields=["decided_by", "decided_at", "outcome"])


@transaction.atomic
def flag_dismiss(*, acting_user: User, flag: Flag) -> Flag:
    if not can_moderate(acting_user):
        raise PermissionDenied
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    _decide(flag, acting_user, Flag.Outcome.NO_ACTION)
    return flag


@transaction.atomic
def parent_warn(*, acting_user: User, flag: Flag, reason: str) -> ParentWarning:
    """The parent's formal warning: recorded, and the parent told (in the portal and by email,
    whatever their settings)."""
    if not can_moderate(acting_user):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(REASON_NEEDED, code="reason")
    flag = Flag.objects.select_for_update().select_related("message__thread").get(pk=flag.pk)
    parent = flag.message.thread.parent
    if parent is None:
        raise ValidationError(PARENT_GONE, code="parent_gone")
    _decide(flag, acting_user, Flag.Outcome.WARNING)
    warning = ParentWarning.objects.create(
        parent=parent, flag=flag, reason=reason.strip(), given_by=acting_user
    )
    warning_notify(warning)
    audit_record(
        AuditAction.WARNING_GIVEN,
        actor=acting_user,
        subject=parent,
        details={"warning": warning.pk, "flag": flag.pk},
    )
    return warning


@transaction.atomic
def parent_suspend(*, acting_user: User, flag: Flag, reason: str) -> Flag:
    """A further breach after a warning: the account is suspended (R5) and the flag closed."""
    if not can_moderate(acting_user):
        raise PermissionDenied
    flag = Flag.objects.select_for_update().select_related("message__thread").get(pk=flag.pk)
    parent = flag.message.thread.parent
    if parent is None:
        raise ValidationError(PARENT_GONE, code="parent_gone")
    if not ParentWarning.objects.filter(parent=parent).exists():
        raise ValidationError(WARNING_FIRST, code="warning_first")
    _decide(flag, acting_user, Flag.Outcome.SUSPENSION)
    account_suspend(acting_user=acting_user, user=parent, reason=reason)
    return flag
