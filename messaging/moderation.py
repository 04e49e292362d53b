"""R23: a teacher flags a parent's message as inappropriate; a leader decides, with the thread
in view: no action, the parent's one formal warning, or — only after a warning — suspending
the account (R5). Every step is recorded; a warned parent is told in the portal and by email.

Flags and suspension stop the clock (R21): a flagged message is due no reply, so nobody is
reminded of it, until a leader decides it needs no action, when it is due a reply counted from
that decision. A suspended parent's messages are due no reply, and the reminders about them
not yet read are withdrawn."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from accounts.permissions.accounts import has_role
from accounts.services.reasons import check_reason
from accounts.services.suspensions import account_suspend
from audit import AuditAction, audit_record
from classes.worktime import calendar_for, reply_due_at
from notifications.models import Kind
from notifications.services import retract

from .models import Flag, Message, ParentWarning
from .notices import message_key, warning_notify

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
            flag = Flag.objects.create(message=message, flagged_by=acting_user, reason=reason)
    except IntegrityError:
        raise ValidationError(ALREADY_FLAGGED, code="flagged") from None
    clock_stop(Message.objects.filter(pk=message.pk))
    return flag


def clock_stop(messages: QuerySet[Message]) -> int:
    """These messages are due no reply (R21): the reminders of them are withdrawn. Returns how
    many were waiting for a reply."""
    waiting = messages.filter(from_parent=True, reply_due_at__isnull=False)
    reminded = [
        message_key(pk)
        for pk in waiting.filter(reminded_at__isnull=False).values_list("pk", flat=True)
    ]
    stopped = waiting.update(reply_due_at=None)
    if reminded:
        retract(kind=Kind.REPLY_OVERDUE, keys=reminded)
    return stopped


def parent_clock_stop(parent: User) -> int:
    """A suspended parent's messages are due no reply, and nobody is reminded of them."""
    return clock_stop(Message.objects.filter(thread__parent=parent))


def _clock_restart(message: Message) -> None:
    """A flag that needed no action: the message is due its reply again, counted from now,
    unless staff have written in the thread since, it was withdrawn, or its author is
    suspended."""
    thread = message.thread
    answered = Message.objects.filter(
        thread=thread, from_parent=False, sent_at__gt=message.sent_at
    ).exists()
    parent = thread.parent
    if answered or message.withdrawn_at or parent is None or parent.is_suspended:
        return
    calendar = calendar_for()
    start = calendar.next_working_start(max(timezone.now(), message.deliver_at))
    Message.objects.filter(pk=message.pk).update(
        reply_due_at=reply_due_at(calendar, start),
        reminded_at=None,
    )


def _decide(flag: Flag, leader: User, outcome: str) -> None:
    if flag.decided_at is not None:
        raise ValidationError(ALREADY_DECIDED, code="decided")
    flag.decided_by, flag.decided_at, flag.outcome = leader, timezone.now(), outcome
    flag.save(update_fields=["decided_by", "decided_at", "outcome"])


@transaction.atomic
def flag_dismiss(*, acting_user: User, flag: Flag) -> Flag:
    if not can_moderate(acting_user):
        raise PermissionDenied
    flag = (
        Flag.objects.select_for_update(of=("self",))
        .select_related("message__thread__parent")
        .get(pk=flag.pk)
    )
    _decide(flag, acting_user, Flag.Outcome.NO_ACTION)
    _clock_restart(flag.message)
    return flag


@transaction.atomic
def parent_warn(*, acting_user: User, flag: Flag, reason: str) -> ParentWarning:
    """The parent's formal warning: recorded, and the parent told (in the portal and by email,
    whatever their settings)."""
    if not can_moderate(acting_user):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(REASON_NEEDED, code="reason")
    reason = check_reason(reason)  # the parent reads it: no longer than REASON_MAX_LENGTH
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
