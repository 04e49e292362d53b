"""The admin's own history (Django's ``LogEntry``) names what it changed: its ``object_repr``
is the record's ``str()``, a pupil's full name or a parent's. When such a record is deleted (by
the office, the retention job or an account deletion), its admin history goes with it, so a
name never outlives its record (R28). The audit log keeps the fact, naming no one.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import post_delete

# Models with an admin page of their own whose ``str()`` names a person (and so their admin
# history does). A model shown only as an inline (suspensions, staff assignments) is logged
# under the record of its page, never under its own.
NAMED_MODELS = (
    "accounts.User",
    "accounts.ParentLink",
    "accounts.ExtraParentRequest",
    "accounts.ConductAcceptance",
    "classes.Pupil",
    "classes.CoverAssignment",
    "consent.DataProcessingAgreement",
)


def _content_types(model: type[models.Model]) -> list[ContentType]:
    """The model's content type and those of its proxies (consent's ConsentPupil for a pupil):
    the admin logs a change under the model of the page that made it. Cached after the first
    call, like every content type."""
    family = [m for m in apps.get_models() if m._meta.concrete_model is model]
    return list(ContentType.objects.get_for_models(*family, for_concrete_models=False).values())


def admin_history_forget(
    sender: type[models.Model], instance: models.Model, **kwargs: Any
) -> None:
    """Delete the admin's history of ``instance``, just deleted (one query)."""
    LogEntry.objects.filter(
        content_type__in=_content_types(sender), object_id=str(instance.pk)
    ).delete()


def connect() -> None:
    for label in NAMED_MODELS:
        post_delete.connect(
            admin_history_forget,
            sender=apps.get_model(label),
            dispatch_uid=f"audit_admin_history_forget_{label}",
        )
