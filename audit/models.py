"""The audit log (R28): an append-only record of who did what to whose data, when, and from
which address.

An entry must outlive the people it names, yet not become personal data itself: the actor is
a foreign key that is set to NULL when the account goes, beside a label ("office #12") that
identifies a role and an id, never a name; the subject is a model label, an id and the same
kind of label. Nothing here may be edited or deleted, neither one row (``save``/``delete``) nor
a queryset (``update``/``delete``); only the database's own SET NULL of a deleted actor
touches a stored row.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .actions import AuditAction

APPEND_ONLY = "The audit log is append-only: entries are never changed or deleted."


class AuditLogIsAppendOnly(Exception):
    """Raised by any attempt to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly(APPEND_ONLY)

    def delete(self) -> NoReturn:
        raise AuditLogIsAppendOnly(APPEND_ONLY)


class AuditEntry(models.Model):
    """One recorded action. Written only by :func:`audit.audit_record`."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("who made a change", "by"),
    )
    actor_label = models.CharField(_("by (role and id)"), max_length=40)
    # The actor's role when they acted, not what it became later (by this action or another).
    actor_role = models.CharField(_("by (role then)"), max_length=10, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    subject_type = models.CharField(_("record type"), max_length=100, blank=True)
    subject_id = models.CharField(_("record id"), max_length=64, blank=True)
    subject_label = models.CharField(_("record"), max_length=100, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    client_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="audit_subject")]

    def __str__(self) -> str:
        what = self.get_action_display()
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label}: {what} {self.subject_label}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogIsAppendOnly(APPEND_ONLY)
        # Always an INSERT: a new object given the id of a stored one must not overwrite it.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly(APPEND_ONLY)
