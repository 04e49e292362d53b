"""Applying a checked import: the new pupils, their media consent and invite codes, at once.

Pupils already here are left exactly as they are (class and consent included), so importing
the same file again changes nothing; rows with problems are skipped. Everything is written in
one transaction: if any step fails, nothing of the import is kept and no email is sent.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import InviteCode, User
from accounts.selectors.people import CHILDREN_GENERATION
from accounts.services.invites import invite_codes_create
from classes.models import Pupil, SchoolClass
from core.generations import generation_bump
from core.queue import enqueue_on_commit
from core.statistics import analyze_on_commit

from ..models import ConsentChange, FamilyContact, MediaStatus, PupilConsent, PupilImport
from ..permissions import can_manage_consent
from ..services.media import media_consent_record
from .emails import InviteEmail
from .parse import MAX_EMAILS
from .plan import ImportPlan, PlanRow, PupilKey, pupil_key

# One code for each parent or carer the file may name, so each gets their own (R2, R3).
INVITES_PER_PUPIL = MAX_EMAILS
FILE_NAME_MAX_LENGTH = 200

IMPORT_EVIDENCE = _("Imported from %(file)s")
NOTHING_TO_ADD = _(
    "Nothing to add: every pupil in the file is already here or has a problem to correct."
)
RECORDS_CHANGED = _(
    "The school’s records changed after the preview: a pupil in the file was added, or a "
    "class was removed. Upload the file again for a new preview."
)


def _check_still_new(rows: list[PlanRow]) -> None:
    """Lock the classes the pupils join (so two imports into one class take turns) and make
    sure that nobody in ``rows`` was added meanwhile."""
    class_ids = {row.school_class.pk for row in rows if row.school_class is not None}
    locked = SchoolClass.objects.select_for_update().filter(pk__in=class_ids)
    dates = [row.date_of_birth for row in rows if row.date_of_birth is not None]
    taken: set[PupilKey] = {
        pupil_key(first, surname, born)
        for first, surname, born in Pupil.objects.filter(
            date_of_birth__range=(min(dates), max(dates))
        ).values_list("first_name", "surname", "date_of_birth")
    }
    if set(locked.values_list("pk", flat=True)) != class_ids or any(
        row.key in taken for row in rows
    ):
        raise ValidationError(RECORDS_CHANGED, code="changed")


def _new_pupil(row: PlanRow) -> Pupil:
    if row.date_of_birth is None or row.school_class is None:  # never in ImportPlan.new_rows
        raise ValueError(f"row {row.number} has problems and cannot be applied")
    pupil = Pupil(
        first_name=row.first_name,
        surname=row.surname,
        date_of_birth=row.date_of_birth,
        school_class=row.school_class,
        home_language=row.home_language,
    )
    # The class was locked and checked above, and a pupil has no unique field of its own:
    # skipping those per-row queries keeps the whole file to one INSERT.
    pupil.full_clean(exclude=["school_class"], validate_unique=False)
    return pupil


def _pupils_create(rows: list[PlanRow]) -> list[Pupil]:
    created = Pupil.objects.bulk_create([_new_pupil(row) for row in rows])
    # One INSERT sends no signal: a new classmate can change a child's display name (R6).
    generation_bump(CHILDREN_GENERATION)
    return created


def _consents_record(
    *, acting_user: User, file_name: str, rows: list[PlanRow], pupils: list[Pupil]
) -> int:
    """One call of the consent service per answer (granted, refused, withdrawn), so each pupil
    gets a history row (R14); a blank answer records nothing (no record: no consent, R11).
    Granting needs a form date: the import's date stands for it, and the evidence names the
    file. Returns how many pupils got a record."""
    groups: dict[str, list[Pupil]] = defaultdict(list)
    for row, pupil in zip(rows, pupils, strict=True):
        if row.consent:
            groups[row.consent].append(pupil)
    evidence = str(IMPORT_EVIDENCE % {"file": file_name})
    today = timezone.localdate()
    for status, group in groups.items():
        media_consent_record(
            acting_user=acting_user,
            pupils=group,
            status=status,
            form_date=today if status == MediaStatus.GRANTED else None,
            evidence=evidence,
        )
    return sum(len(group) for group in groups.values())


def _invite_emails(
    rows: list[PlanRow], pupils: list[Pupil], made: list[tuple[InviteCode, str]]
) -> list[InviteEmail]:
    """Each address in the file with one of its pupil's new codes: one code per parent."""
    codes: dict[int, list[str]] = defaultdict(list)
    for invite, code in made:
        codes[invite.pupil_id].append(code)
    return [
        InviteEmail(email=email, code=code, pupil_id=pupil.pk)
        for row, pupil in zip(rows, pupils, strict=True)
        for email, code in zip(row.emails, codes[pupil.pk], strict=False)
    ]


def _contacts_keep(rows: list[PlanRow], pupils: list[Pupil]) -> None:
    """The file's parent emails, kept for the office's list of parents not yet joined."""
    FamilyContact.objects.bulk_create(
        [
            FamilyContact(pupil=pupil, email=email.strip().lower())
            for row, pupil in zip(rows, pupils, strict=True)
            for email in row.emails
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def pupil_import_apply(*, acting_user: User, plan: ImportPlan) -> PupilImport:
    """Add the plan's new pupils (office and leaders only, R1) and record the import.

    For each new pupil: the media consent the file gives (with its history row), and
    ``INVITES_PER_PUPIL`` invite codes; once committed, each parent email in the file gets its
    own code by email. Pupils already here and rows with problems are left alone. Raises
    ``ValidationError`` (``NOTHING_TO_ADD``, ``RECORDS_CHANGED``) and writes nothing when there
    is nothing to add or the records changed since the plan was made.
    """
    if not can_manage_consent(acting_user):
        raise PermissionDenied
    rows = plan.new_rows
    if not rows:
        raise ValidationError(NOTHING_TO_ADD, code="nothing")
    _check_still_new(rows)
    file_name = plan.file_name[:FILE_NAME_MAX_LENGTH]
    pupils = _pupils_create(rows)
    consents = _consents_record(
        acting_user=acting_user, file_name=file_name, rows=rows, pupils=pupils
    )
    made = invite_codes_create(acting_user=acting_user, pupils=pupils, per_pupil=INVITES_PER_PUPIL)
    emails = _invite_emails(rows, pupils, made)
    _contacts_keep(rows, pupils)
    record = PupilImport(
        uploaded_by=acting_user,
        file_name=file_name,
        file_sha256=plan.file_sha256,
        rows_total=len(plan.rows),
        rows_with_problems=len(plan.problem_rows),
        pupils_created=len(pupils),
        consents_changed=consents,
        invites_created=len(made),
        invites_emailed=len(emails),
    )
    record.full_clean()
    record.save()
    analyze_on_commit([Pupil, PupilConsent, ConsentChange, InviteCode, PupilImport, FamilyContact])
    if emails:
        enqueue_on_commit(
            "consent.tasks.send_import_invites", [email.as_dict() for email in emails]
        )
    return record
