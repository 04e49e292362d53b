"""Parents' data-processing consent (R4): before a parent's first use, they agree to the school's
current data-processing consent form for each linked child; a new version asks again.

What was agreed (the form's version) and when is kept in ``DataProcessingAgreement``, one row
per parent, child and version. ``consent.middleware.DataProcessingConsentMiddleware`` shows a
parent only the form until every current child is done.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit import AuditAction, audit_record_many
from classes.models import Pupil

from ..models import DataProcessingAgreement, DataProcessingForm
from ..permissions import can_agree_data_processing
from ..selectors.data_processing import dp_form_current

FORM_OUTDATED = _(
    "The school has published a new version of the data-processing consent form. "
    "Please read the new version and agree again."
)
NO_CHILD_CHOSEN = _("Tick the box for at least one child.")


@transaction.atomic
def dp_agree(
    *, acting_user: User, pupils: Iterable[Pupil], form: DataProcessingForm
) -> list[DataProcessingAgreement]:
    """Record that ``acting_user`` agrees to ``form`` for each of ``pupils``, now.

    Only a parent, only for their own linked children (PermissionDenied otherwise), and only
    to the current version (ValidationError ``FORM_OUTDATED`` otherwise). Agreeing again
    changes nothing: the first agreement and its time are kept. Returns the agreements.
    """
    ids = {p.pk for p in pupils}
    if not ids:
        raise ValidationError(NO_CHILD_CHOSEN)
    if not can_agree_data_processing(acting_user, ids):
        raise PermissionDenied
    current = dp_form_current()
    if current is None or current.pk != form.pk:
        raise ValidationError(FORM_OUTDATED)
    mine = DataProcessingAgreement.objects.filter(parent=acting_user, form=form)
    done = set(mine.filter(pupil_id__in=ids).values_list("pupil_id", flat=True))
    now = timezone.now()
    new = [
        DataProcessingAgreement(parent=acting_user, pupil_id=pk, form=form, agreed_at=now)
        for pk in sorted(ids - done)
    ]
    for agreement in new:
        agreement.full_clean(validate_constraints=False)
    # A second tab submitting at the same moment must not fail: the unique constraint keeps
    # one row per parent, child and version, and the first one stands.
    DataProcessingAgreement.objects.bulk_create(new, ignore_conflicts=True)
    audit_record_many(
        AuditAction.CONSENT_CHANGED,
        actor=acting_user,
        subjects=[Pupil(pk=agreement.pupil_id) for agreement in new],
        details={"consent": "data_processing", "form_version": form.version, "agreed": True},
    )
    return list(mine.filter(pupil_id__in=ids).order_by("pupil_id"))
