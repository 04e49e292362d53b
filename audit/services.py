"""Writing audit entries (R28). Anyone's code may call these: they check no permission, because
they record what a service has already been allowed to do, inside that service's transaction
(an action rolled back leaves no entry)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone, translation

from .actions import AuditAction
from .context import request_address
from .models import AuditEntry

SYSTEM_LABEL = "system"


def actor_role(actor: Any) -> str:
    """The role ``actor`` holds as the entry is built: the caller passes the person as they
    were when they acted (a service's ``acting_user``, the request's user), never a copy read
    again after the action, which may have changed it."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return str(getattr(actor, "role", "") or "")


def actor_label(actor: Any) -> str:
    """A role and an id ("office #12"): who acted, without naming anyone."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return SYSTEM_LABEL
    return f"{actor_role(actor) or 'user'} #{actor.pk}"


def subject_type(model: type[models.Model]) -> str:
    """The model's label ("classes.pupil"); a proxy is recorded as its concrete model, so one
    filter finds every entry about a record."""
    return (model._meta.concrete_model or model)._meta.label_lower


def subject_label(subject: models.Model) -> str:
    """What the record is ("pupil #42", "parent #7"), never whose name it holds."""
    role = getattr(subject, "role", None)
    if isinstance(role, str) and role:
        return f"{role} #{subject.pk}"
    return type_label(subject._meta.model, subject.pk)


def type_label(model: type[models.Model], pk: object) -> str:
    """The model's name in English (the log is the school's record, not a page) and the id."""
    concrete = model._meta.concrete_model or model
    with translation.override("en"):
        return f"{concrete._meta.verbose_name} #{pk}"


def _actor(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def entry_build(
    action: AuditAction | str,
    *,
    actor: Any,
    subject: models.Model | None = None,
    details: Mapping[str, object] | None = None,
    address: str | None = None,
) -> AuditEntry:
    """An unsaved entry; :func:`audit_record` and :func:`audit_record_many` save it."""
    entry = AuditEntry(
        at=timezone.now(),
        actor=_actor(actor),
        actor_label=actor_label(actor),
        actor_role=actor_role(actor),
        action=AuditAction(action),
        details=dict(details or {}),
        client_address=address,
    )
    if subject is not None:
        entry.subject_type = subject_type(subject._meta.model)
        entry.subject_id = str(subject.pk)
        entry.subject_label = subject_label(subject)
    return entry


def audit_record(
    action: AuditAction,
    *,
    actor: Any,
    subject: models.Model | None = None,
    details: dict[str, object] | None = None,
    request: HttpRequest | None = None,
) -> AuditEntry:
    """Record one action. ``details`` holds ids, states and display names at most, never a
    child's full name or a message's text; the address is ``request``'s, or that of the
    request being served."""
    entry = entry_build(
        action, actor=actor, subject=subject, details=details, address=request_address(request)
    )
    entry.save()
    return entry


def audit_record_many(
    action: AuditAction,
    *,
    actor: Any,
    subjects: Iterable[models.Model],
    details: dict[str, object] | None = None,
    details_of: Callable[[Any], dict[str, object]] | None = None,
    request: HttpRequest | None = None,
) -> list[AuditEntry]:
    """Record the same action on many records (a class's invite codes) in one INSERT; each
    entry's details are ``details``, updated with ``details_of(subject)`` when given."""
    address = request_address(request)
    entries = [
        entry_build(
            action,
            actor=actor,
            subject=subject,
            details={**(details or {}), **(details_of(subject) if details_of else {})},
            address=address,
        )
        for subject in subjects
    ]
    return AuditEntry.objects.bulk_create(entries)


def audit_record_entries(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """Save entries built with :func:`entry_build` (each with its own details) in one INSERT."""
    return AuditEntry.objects.bulk_create(list(entries))


@transaction.atomic
def audit_log_prune(*, now: dt.datetime | None = None) -> int:
    """Delete audit entries older than ``AUDIT_RETENTION_DAYS`` (the nightly job; idempotent).

    The one way an entry ever leaves the log: by age alone, never by what it says, so the log
    stays append-only for everything else. A run that deletes anything is itself recorded.
    Django's admin history (``LogEntry``) older than the same period goes too. Returns how many
    entries of both were deleted.
    """
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    # The base manager's queryset: the default one refuses every delete.
    deleted, _by_model = AuditEntry._base_manager.filter(at__lt=cutoff).delete()
    # The admin's own history is an audit trail too, with names in it: the same period.
    admin_deleted, _by_model = LogEntry.objects.filter(action_time__lt=cutoff).delete()
    if deleted or admin_deleted:
        audit_record(
            AuditAction.RETENTION_RUN,
            actor=None,
            details={
                "audit_entries": deleted,
                "admin_history": admin_deleted,
                "before": cutoff.isoformat(),
            },
        )
    return deleted + admin_deleted
