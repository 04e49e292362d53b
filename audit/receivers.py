"""Admin changes to people are audited (R28): every add, change or delete in the Django admin of
an account, a pupil, a parent–pupil link or a consent record; and so is every change to the
school's organisation the office makes there: classes (with the staff and cover edited on a
class's page), staff assignments, cover and closures.

The admin writes a ``LogEntry`` for each of these, whichever admin class did the work, so the
log follows those entries rather than each admin class. Django saves a single ``LogEntry`` (a
``post_save``) but writes several at once with ``bulk_create``, which sends no signal (a bulk
delete of users): ``install_bulk_hook`` records those too.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry, LogEntryManager
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save
from django.dispatch import receiver

from .actions import AuditAction
from .context import request_actor, request_address
from .models import AuditEntry
from .services import (
    audit_record_entries,
    entry_build,
    subject_label,
    subject_type,
    type_label,
)

# The records of people whose admin changes are audited ("app_label.model", as content types
# name them). Consent's own admin page (the ConsentPupil proxy) is not listed: it changes
# consent only through ``consent.services``, which records each change itself.
PEOPLE_MODELS = frozenset(
    {
        "accounts.user",
        "accounts.parentlink",
        "classes.pupil",
        "consent.pupilconsent",
        "consent.consentchange",
        "consent.dataprocessingagreement",
    }
)
# The school's organisation: who teaches, supports or covers which class, and when it is shut.
# Their changes name what was added or removed (a staff member and their part, a cover's
# teacher and dates): no child's name is in these records.
SCHOOL_MODELS = frozenset(
    {
        "classes.schoolclass",
        "classes.schoolclassuserobjectpermission",
        "classes.coverassignment",
        "classes.closure",
    }
)
AUDITED_MODELS = PEOPLE_MODELS | SCHOOL_MODELS
FLAG_ACTIONS = {
    ADDITION: AuditAction.ADMIN_ADDED,
    CHANGE: AuditAction.ADMIN_CHANGED,
    DELETION: AuditAction.ADMIN_DELETED,
}
# A link made or removed is a link change whichever page made it.
LINK_ACTIONS = {ADDITION: AuditAction.LINK_CREATED, DELETION: AuditAction.LINK_REMOVED}


def _changes(change_message: str, *, with_objects: bool = False) -> list[dict[str, object]]:
    """The admin's structured change message without object names (a pupil's full name is in
    them): which fields changed, which related records were added, changed or deleted. With
    ``with_objects`` (the school's organisation, where the related records are staff
    assignments and covers), which record too ("Mrs Patel: Teaches this class")."""
    try:
        items = json.loads(change_message) if change_message else []
    except ValueError:
        return []
    if not isinstance(items, list):
        return []
    kept: list[dict[str, object]] = []
    for item in items:
        for verb, about in item.items() if isinstance(item, dict) else ():
            about = about if isinstance(about, dict) else {}
            keys = ("name", "object", "fields") if with_objects else ("name", "fields")
            kept.append({"verb": verb, **{k: about[k] for k in keys if k in about}})
    return kept


def _entry_for(log: LogEntry) -> AuditEntry | None:
    """The audit entry for an admin ``LogEntry`` about a person's record, or None."""
    content_type = (
        ContentType.objects.get_for_id(log.content_type_id) if log.content_type_id else None
    )
    label = f"{content_type.app_label}.{content_type.model}" if content_type else ""
    if label not in AUDITED_MODELS or log.action_flag not in FLAG_ACTIONS:
        return None
    model = content_type.model_class() if content_type else None
    if model is None:
        return None
    action = FLAG_ACTIONS[log.action_flag]
    if label == "accounts.parentlink":
        action = LINK_ACTIONS.get(log.action_flag, action)
    # The request's own user, as it was when the request began: ``log.user`` is read again from
    # the database, after the change it records (which may have been to that very account).
    actor = request_actor(log.user_id) or log.user
    entry = entry_build(
        action,
        actor=actor,
        details={
            "via": "admin",
            "changes": _changes(log.change_message, with_objects=label in SCHOOL_MODELS),
        },
        address=request_address(None),
    )
    entry.subject_type = subject_type(model)
    entry.subject_id = str(log.object_id or "")
    stored = None
    if log.action_flag != DELETION:
        stored = model._default_manager.filter(pk=log.object_id).first()
    entry.subject_label = (
        subject_label(stored) if stored is not None else type_label(model, log.object_id)
    )
    return entry


@receiver(post_save, sender=LogEntry, dispatch_uid="audit_admin_log_entry")
def record_admin_change(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        entry = _entry_for(instance)
        if entry is not None:
            audit_record_entries([entry])


# The wrapper ``install_bulk_hook`` put in place, so that a second call wraps nothing again.
_bulk_hook: Callable[..., Any] | None = None


def install_bulk_hook() -> None:
    """Record the entries that ``LogEntryManager.log_actions`` writes with ``bulk_create``."""
    global _bulk_hook
    original = LogEntryManager.log_actions
    if original is _bulk_hook:
        return

    @functools.wraps(original)
    def log_actions(self: LogEntryManager, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        logs = result if isinstance(result, list) else [result]
        if len(logs) > 1:  # one entry is saved (post_save above); several are bulk-created
            audit_record_entries(e for log in logs if (e := _entry_for(log)) is not None)
        return result

    _bulk_hook = log_actions
    LogEntryManager.log_actions = log_actions  # type: ignore[method-assign]
