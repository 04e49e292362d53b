"""Subject-access exports (R28): asking for one, building it, handing it out, expiring it.

A person asks for their own data from their account page; office staff and leaders ask on a
person's behalf, with the date the request was received (the deadline is one calendar month
later). A second request while one is waiting or being built gets that one back. The ZIP is
built by a worker (``privacy.tasks.build_export``), which claims the row first, so a task run
twice, or by two workers, builds one file; the worker renews its claim while it builds, and one
that died stops renewing, so the sweep every minute hands its export out again within two
minutes (``dojo_portal/claims.py``). Seven days after it was built, the nightly expiry
deletes the file from storage.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import tempfile
from collections.abc import Callable, Collection

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit import AuditAction, audit_record
from core.claims import CLAIM_TTL, ClaimKeeper
from core.queue import enqueue_on_commit

from ..export.archive import archive_write
from ..export.base import subject_load
from ..export.registry import AREAS
from ..models import IN_PROGRESS, DataExport, ExportStatus
from ..permissions.exports import can_be_exported, can_export_own_data, can_manage_exports

logger = logging.getLogger(__name__)

KEEP_FOR = dt.timedelta(days=7)
# A queued export not claimed by then was probably never enqueued (the broker was down).
UNCLAIMED_AFTER = dt.timedelta(minutes=2)

NOT_AN_ADULT = _(
    "Only the data of a parent, carer or member of staff can be exported: a pupil's data is "
    "in their parents' exports."
)
RECEIVED_IN_FUTURE = _("The date the request was received cannot be in the future.")
NOT_READY = _("This copy of your data is not ready yet.")
EXPIRED = _("This copy of your data has expired: copies are kept for 7 days.")
FAILED = _("Building the file failed.")


def deadline_for(requested_on: dt.date) -> dt.date:
    """One calendar month after ``requested_on``; the month's last day when it is shorter
    (a request received on 31 January is due on 28 or 29 February)."""
    year, index = divmod(requested_on.year * 12 + requested_on.month, 12)  # next month, 0-based
    month = index + 1
    last_day = calendar.monthrange(year, month)[1]
    return requested_on.replace(year=year, month=month, day=min(requested_on.day, last_day))


def _check_request(acting_user: User, subject: User, requested_on: dt.date) -> None:
    allowed = (
        can_export_own_data(acting_user)
        if subject.pk == acting_user.pk
        else can_manage_exports(acting_user)
    )
    if not allowed:
        raise PermissionDenied
    if not can_be_exported(subject):
        raise ValidationError({"subject": NOT_AN_ADULT})
    if requested_on > timezone.localdate():
        raise ValidationError({"requested_on": RECEIVED_IN_FUTURE})


def _in_progress(subject: User, acting_user: User) -> DataExport | None:
    return DataExport.objects.filter(
        subject=subject, requested_by=acting_user, status__in=IN_PROGRESS
    ).first()


@transaction.atomic
def export_request(
    *, acting_user: User, subject: User | None = None, requested_on: dt.date | None = None
) -> DataExport:
    """Ask for an export of ``subject`` (default: the acting user's own data), received on
    ``requested_on`` (default: today). Returns the export waiting or being built for the same
    person and asker, if there is one; otherwise a new one, recorded in the audit log and
    handed to a worker once the transaction commits."""
    subject = subject or acting_user
    requested_on = requested_on or timezone.localdate()
    _check_request(acting_user, subject, requested_on)
    existing = _in_progress(subject, acting_user)
    if existing is not None:
        return existing
    export = DataExport(
        subject=subject,
        requested_by=acting_user,
        requested_on=requested_on,
        deadline=deadline_for(requested_on),
    )
    export.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            export.save()
    except IntegrityError:  # the same request at the same moment (a double click)
        existing = _in_progress(subject, acting_user)
        if existing is None:
            raise
        return existing
    details = {"export": export.pk, "received": requested_on, "deadline": export.deadline}
    audit_record(
        AuditAction.EXPORT_REQUESTED,
        actor=acting_user,
        subject=subject,
        details=details,
    )
    _enqueue(export)
    return export


def _enqueue(export: DataExport) -> None:

    enqueue_on_commit("privacy.tasks.build_export", export.pk)


def _claim(export_id: int, now: dt.datetime) -> DataExport | None:
    """Take the export for building; None when it is built, expired, or being built by a
    worker that is still alive."""
    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update().select_related("subject").filter(pk=export_id)
        ).first()
        if export is None:
            return None
        alive = export.renewed_at or export.started_at
        lost = export.status == ExportStatus.BUILDING and (
            alive is None or alive < now - CLAIM_TTL
        )
        if export.status != ExportStatus.QUEUED and not lost:
            return None
        export.status, export.progress, export.error = ExportStatus.BUILDING, 0, ""
        export.started_at = export.renewed_at = now
        export.save(update_fields=["status", "started_at", "renewed_at", "progress", "error"])
        return export


def _keeper(export: DataExport) -> ClaimKeeper:
    """Renews this worker's claim on the export while it builds (``started_at`` marks whose
    claim it is, ``renewed_at`` that its worker is alive)."""
    claim = DataExport.objects.filter(
        pk=export.pk, status=ExportStatus.BUILDING, started_at=export.started_at
    )
    return ClaimKeeper(lambda now: claim.update(renewed_at=now))


def _report(export: DataExport) -> Callable[[int], None]:
    """Progress written as the worker goes, for the page that polls it; only by the worker
    that holds the claim."""

    def report(percent: int) -> None:
        DataExport.objects.filter(
            pk=export.pk, status=ExportStatus.BUILDING, started_at=export.started_at
        ).update(progress=percent)

    return report


@transaction.atomic
def _store(export: DataExport, archive: File) -> DataExport | None:
    """Keep the built ZIP, unless another worker took the export over meanwhile (then this
    copy is dropped: one file per export). Nothing is left in storage if saving fails."""
    current = DataExport.objects.select_for_update().filter(pk=export.pk).first()
    if current is None:  # the account was deleted meanwhile, and its exports with it
        return None
    if current.status != ExportStatus.BUILDING or current.started_at != export.started_at:
        return current
    now = timezone.now()
    current.file.save("export.zip", archive, save=False)
    try:
        current.size = current.file.size
        current.status, current.progress = ExportStatus.READY, 100
        current.built_at, current.expires_at = now, now + KEEP_FOR
        current.save(
            update_fields=["file", "size", "status", "progress", "built_at", "expires_at"]
        )
    except Exception:
        current.file.storage.delete(current.file.name)
        raise
    return current


def export_build(export_id: int, *, now: dt.datetime | None = None) -> DataExport | None:
    """Build the ZIP of an export (for the worker). Idempotent: an export that is built,
    expired, or being built by a live worker is left as it is (returns None). A failure is
    recorded on the export (status "failed"), never half-stored."""
    export = _claim(export_id, now or timezone.now())
    if export is None:
        return None
    try:
        with _keeper(export), tempfile.TemporaryFile(suffix=".zip") as target:
            subject = subject_load(export.subject)
            archive_write(subject, target, areas=AREAS, report=_report(export))
            target.seek(0)
            return _store(export, File(target, name="export.zip"))
    except Exception:
        logger.exception("export #%s failed", export.pk)
        DataExport.objects.filter(pk=export.pk, started_at=export.started_at).update(
            status=ExportStatus.FAILED, error=str(FAILED)
        )
        return DataExport.objects.filter(pk=export.pk).first()


def export_download(*, acting_user: User, export: DataExport) -> DataExport:
    """Record that ``acting_user`` downloads ``export`` (the caller fetched it through
    ``exports_visible_to``, or is office staff in the admin). ValidationError unless ready."""
    if acting_user.pk != export.requested_by_id and not can_manage_exports(acting_user):
        raise PermissionDenied
    if export.is_expired:
        raise ValidationError(EXPIRED, code="expired")
    if not export.is_downloadable:
        raise ValidationError(NOT_READY, code="not_ready")
    audit_record(
        AuditAction.EXPORT_DOWNLOADED,
        actor=acting_user,
        subject=export.subject,
        details={"export": export.pk},
    )
    return export


def exports_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the files of exports past their expiry date (nightly; idempotent). Returns how
    many exports expired."""
    now = now or timezone.now()
    return _expire(DataExport.objects.filter(status=ExportStatus.READY, expires_at__lte=now))


def exports_expire_of(subject_ids: Collection[int]) -> int:
    """Expire at once the ready exports of these people: they hold data being erased (a
    pupil's, or messages past their retention period; R28). Returns how many."""
    return _expire(
        DataExport.objects.filter(status=ExportStatus.READY, subject_id__in=subject_ids)
    )


def _expire(due: QuerySet[DataExport]) -> int:
    """The file is removed from storage first, then the export marked expired, so a run cut
    short is completed by the next."""
    expired = 0
    for export in due.only("pk", "file").iterator():
        if export.file.name:
            export.file.storage.delete(export.file.name)
        expired += DataExport.objects.filter(pk=export.pk, status=ExportStatus.READY).update(
            status=ExportStatus.EXPIRED, file=""
        )
    return expired


def exports_to_build(*, now: dt.datetime | None = None) -> list[int]:
    """Exports a worker should (re)build: queued but never claimed (their task was lost), or
    claimed by a worker that died (its claim not renewed for ``CLAIM_TTL``)."""
    now = now or timezone.now()
    unclaimed = Q(status=ExportStatus.QUEUED, created_at__lt=now - UNCLAIMED_AFTER)
    lost = Q(status=ExportStatus.BUILDING, alive__lt=now - CLAIM_TTL)
    exports = DataExport.objects.annotate(alive=Coalesce("renewed_at", "started_at"))
    return list(exports.filter(unclaimed | lost).order_by("pk").values_list("pk", flat=True))
