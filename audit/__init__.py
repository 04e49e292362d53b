"""The audit log (R28): ``audit_record(AuditAction.X, actor=..., subject=..., details=...)``.

This package is imported while Django loads its apps, before models may be imported, so the
functions below import the writing module only when called.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .actions import AuditAction

if TYPE_CHECKING:
    from django.db import models
    from django.http import HttpRequest

    from accounts.models import User

    from .models import AuditEntry

__all__ = ["AuditAction", "audit_record", "audit_record_many"]


def audit_record(
    action: AuditAction,
    *,
    actor: User | None,
    subject: models.Model | None = None,
    details: dict[str, object] | None = None,
    request: HttpRequest | None = None,
) -> AuditEntry:
    """Record one action by ``actor`` (a User, or None for the system) on ``subject``.

    Call it inside the service's transaction. ``details`` holds ids, states and display names
    at most, never a child's full name or a message's text. The client address is taken from
    ``request``, or from the request being served, or left empty (a Celery task).
    """
    from .services import audit_record as record

    return record(action, actor=actor, subject=subject, details=details, request=request)


def audit_record_many(
    action: AuditAction,
    *,
    actor: User | None,
    subjects: Iterable[models.Model],
    details: dict[str, object] | None = None,
    details_of: Callable[[Any], dict[str, object]] | None = None,
    request: HttpRequest | None = None,
) -> list[AuditEntry]:
    """Record the same action on each of ``subjects`` in one INSERT (a batch of codes); each
    entry's details are ``details`` updated with ``details_of(subject)`` when given."""
    from .services import audit_record_many as record_many

    return record_many(
        action,
        actor=actor,
        subjects=subjects,
        details=details,
        details_of=details_of,
        request=request,
    )
