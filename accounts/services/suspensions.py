"""Suspending and reinstating accounts (R5). Every change is recorded with who and why, and
announced (``accounts.events``): the account holder is told by email either way."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import AuditAction, audit_record

from ..events import account_reinstated, account_suspended
from ..models import Suspension, User
from ..permissions.accounts import can_decide_suspensions, can_manage_account
from .reasons import check_reason

ALREADY_SUSPENDED = _("This account is already suspended.")
NOT_SUSPENDED = _("This account is not suspended.")
CANNOT_SUSPEND_SELF = _("You cannot suspend your own account.")
REASON_REQUIRED = _("Please give the reason for the suspension.")


@transaction.atomic
def account_suspend(*, acting_user: User, user: User, reason: str) -> Suspension:
    """Suspend ``user``: their open sessions end at their next request and they cannot sign in.

    Only an account ``acting_user`` manages (``can_manage_account``: the office cannot lock a
    leader or a colleague out), else ``PermissionDenied``."""
    if not can_decide_suspensions(acting_user):
        raise PermissionDenied
    if user.pk == acting_user.pk:
        raise ValidationError(CANNOT_SUSPEND_SELF)
    if not can_manage_account(acting_user, user):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(REASON_REQUIRED)
    reason = check_reason(reason)  # the parent reads it: no longer than REASON_MAX_LENGTH
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_suspended:
        raise ValidationError(ALREADY_SUSPENDED)
    suspension = Suspension.objects.create(
        user=user, reason=reason.strip(), suspended_by=acting_user
    )
    User.objects.filter(pk=user.pk).update(is_suspended=True)
    user.is_suspended = True
    audit_record(
        AuditAction.SUSPENDED,
        actor=acting_user,
        subject=user,
        details={"suspension": suspension.pk},
    )
    account_suspended.send(sender=Suspension, user=user, suspension=suspension)
    return suspension


@transaction.atomic
def account_reinstate(*, acting_user: User, user: User, reason: str = "") -> Suspension:
    """Lift ``user``'s open suspension; for an account ``acting_user`` manages, as above.
    ``reason`` (at most ``REASON_MAX_LENGTH`` characters) is kept in the audit log."""
    if not can_decide_suspensions(acting_user) or not can_manage_account(acting_user, user):
        raise PermissionDenied
    reason = check_reason(reason)
    user = User.objects.select_for_update().get(pk=user.pk)
    suspension = Suspension.objects.filter(user=user, lifted_at__isnull=True).first()
    if suspension is None:
        raise ValidationError(NOT_SUSPENDED)
    suspension.lifted_at = timezone.now()
    suspension.lifted_by = acting_user
    suspension.save(update_fields=["lifted_at", "lifted_by"])
    User.objects.filter(pk=user.pk).update(is_suspended=False)
    user.is_suspended = False
    audit_record(
        AuditAction.UNSUSPENDED,
        actor=acting_user,
        subject=user,
        details={"suspension": suspension.pk, "reason": reason},
    )
    account_reinstated.send(sender=Suspension, user=user, suspension=suspension)
    return suspension
