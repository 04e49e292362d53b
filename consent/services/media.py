"""Recording consent (office and leaders only). Every change is kept in the history (R14), and
a change that takes permission away emits ``media_permission_lost`` once (R13)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit import AuditAction, audit_record_many
from classes.models import Pupil
from media.scans import scan_clean, scan_suffix

from ..events import media_permission_lost
from ..models import FORM_DATE_NEEDED, ConsentChange, MediaStatus, PupilConsent
from ..permissions import can_manage_consent

FORM_DATE_IN_FUTURE = _("The date of the form cannot be in the future.")
NO_PUPILS = _("Choose at least one pupil.")
SCAN_FOR_ONE_PUPIL = _("A scanned form belongs to one pupil: record it for that pupil alone.")


def _may_appear(consent: PupilConsent) -> bool:
    return consent.media_status == MediaStatus.GRANTED and not consent.looked_after


def _check_form_date(status: str, form_date: dt.date | None) -> None:
    if status == MediaStatus.GRANTED and form_date is None:
        raise ValidationError({"form_date": FORM_DATE_NEEDED})
    if form_date and form_date > timezone.localdate():
        raise ValidationError({"form_date": FORM_DATE_IN_FUTURE})


def _apply(
    consent: PupilConsent,
    *,
    acting_user: User,
    status: str,
    looked_after: bool,
    form_date: dt.date | None,
    evidence: str,
    scan: UploadedFile | None,
) -> ConsentChange | None:
    """Change one pupil's record in memory; return its (unsaved) history row, or None when
    nothing changes. :func:`_save` writes every changed record at once."""
    before = (consent.media_status, consent.looked_after, consent.form_date)
    if (status, looked_after, form_date) == before and scan is None:
        return None  # nothing changed: no history row, no event
    if scan is not None:
        cleaned = scan_clean(scan)  # stored as cleaned, never as uploaded (R9, R36)
        consent.scan.save(f"scan.{cleaned.suffix}", ContentFile(cleaned.content), save=False)
    consent.media_status, consent.looked_after, consent.form_date = status, looked_after, form_date
    consent.recorded_by, consent.recorded_at = acting_user, timezone.now()
    # The pupil rows are locked and the rules are checked above (and by the database's
    # constraints): skipping per-row lookups keeps a whole year group to a few queries.
    consent.full_clean(
        exclude=["pupil", "recorded_by"], validate_unique=False, validate_constraints=False
    )
    return ConsentChange(
        pupil_id=consent.pupil_id,
        changed_by=acting_user,
        changed_at=consent.recorded_at,
        old_status=before[0],
        new_status=status,
        old_looked_after=before[1],
        new_looked_after=looked_after,
        # The row keeps the evidence of THIS change: a form's date only when the change
        # brought it, never the earlier form's date carried over by a refusal, a withdrawal
        # or a change of looked-after status.
        form_date=form_date if form_date != before[2] else None,
        evidence=evidence.strip()[:300],
        scan_name=consent.scan.name if scan is not None else "",
    )


UPDATED_FIELDS = [
    "media_status",
    "looked_after",
    "form_date",
    "scan",
    "recorded_by",
    "recorded_at",
]


def _save(changed: list[tuple[PupilConsent, ConsentChange]]) -> None:
    """Write the changed records and their history rows in a handful of queries."""
    PupilConsent.objects.bulk_create([c for c, _change in changed if c.pk is None])
    PupilConsent.objects.bulk_update(
        [c for c, _change in changed if c.pk is not None], UPDATED_FIELDS
    )
    ConsentChange.objects.bulk_create([change for _c, change in changed])
    _audit([change for _c, change in changed])


def _audit(changes: list[ConsentChange]) -> None:
    """Each change goes to the audit log too (R28), in one INSERT: the states, not the evidence
    text (the history keeps that for the office)."""
    if not changes:
        return
    by_pupil = {change.pupil_id: change for change in changes}
    audit_record_many(
        AuditAction.CONSENT_CHANGED,
        actor=changes[0].changed_by,
        # References by id: the pupils' rows are not needed to name them in the log.
        subjects=[Pupil(pk=pupil_id) for pupil_id in by_pupil],
        details_of=lambda pupil: _audit_details(by_pupil[pupil.pk]),
    )


def _audit_details(change: ConsentChange) -> dict[str, object]:
    """Looked-after status is safeguarding information: its changes are entries of their own
    kind (``"consent": "looked_after"``), so what families may read of the log can leave them
    out."""
    if change.old_looked_after != change.new_looked_after:
        return {
            "consent": "looked_after",
            "looked_after": [change.old_looked_after, change.new_looked_after],
        }
    return {"consent": "media", "status": [change.old_status, change.new_status]}


def _record(
    consents: list[PupilConsent], apply_one: Callable[[PupilConsent], ConsentChange | None]
) -> set[int]:
    """Apply a change to every record and save; returns the pupils who lost permission."""
    had = {c.pupil_id for c in consents if c.pk is not None and _may_appear(c)}
    changed = [(c, history) for c in consents if (history := apply_one(c)) is not None]
    _save(changed)
    return {c.pupil_id for c, _history in changed if c.pupil_id in had and not _may_appear(c)}


def _consents_for(pupils: Iterable[Pupil]) -> list[PupilConsent]:
    pupils = list(pupils)
    if not pupils:
        raise ValidationError(NO_PUPILS)
    ids = [p.pk for p in pupils]
    existing = {
        c.pupil_id: c for c in PupilConsent.objects.select_for_update().filter(pupil_id__in=ids)
    }
    return [existing.get(p.pk) or PupilConsent(pupil=p) for p in pupils]


def _emit(lost: set[int], acting_user: User, reason: str) -> None:
    if lost:
        media_permission_lost.send(
            sender=PupilConsent, pupil_ids=frozenset(lost), acting_user=acting_user, reason=reason
        )


@transaction.atomic
def media_consent_record(
    *,
    acting_user: User,
    pupils: Iterable[Pupil],
    status: str,
    form_date: dt.date | None = None,
    evidence: str = "",
    scan: UploadedFile | None = None,
) -> list[PupilConsent]:
    """Record the media consent of one pupil, or of several at once (a class's forms).

    ``status`` is a ``MediaStatus`` or "" (back to "no record"); granting needs the date of
    the written form. Looked-after status is kept as it is.
    """
    if not can_manage_consent(acting_user):
        raise PermissionDenied
    if status and status not in MediaStatus.values:
        raise ValidationError(_("Unknown consent status."))
    _check_form_date(status, form_date)
    consents = _consents_for(pupils)
    if scan is not None and len(consents) > 1:
        raise ValidationError({"scan": SCAN_FOR_ONE_PUPIL})
    if scan is not None:
        try:
            scan_suffix(scan)  # refused before anything is written, on the scan's own field
        except ValidationError as error:
            raise ValidationError({"scan": error.error_list}) from error
    lost = _record(
        consents,
        lambda c: _apply(
            c,
            acting_user=acting_user,
            status=status,
            looked_after=c.looked_after,
            form_date=form_date,
            evidence=evidence,
            scan=scan,
        ),
    )
    _emit(lost, acting_user, status or "withdrawn")
    return consents


@transaction.atomic
def looked_after_set(
    *, acting_user: User, pupils: Iterable[Pupil], looked_after: bool, evidence: str = ""
) -> list[PupilConsent]:
    """Mark pupils as looked-after (never in media, whatever the consent) or not (R11)."""
    if not can_manage_consent(acting_user):
        raise PermissionDenied
    consents = _consents_for(pupils)
    lost = _record(
        consents,
        lambda c: _apply(
            c,
            acting_user=acting_user,
            status=c.media_status,
            looked_after=looked_after,
            form_date=c.form_date,
            evidence=evidence,
            scan=None,
        ),
    )
    _emit(lost, acting_user, "looked_after")
    return consents
