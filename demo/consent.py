"""The demo school's consent: most pupils with media consent, a few refused, withdrawn, with no
form or looked-after (so the roster has something to show), and a data-processing form that
every demo parent has agreed to for their children, except the new parent."""

from __future__ import annotations

import random
from datetime import date

from accounts.models import ParentLink, User
from classes.models import Pupil
from consent.models import DataProcessingAgreement, DataProcessingForm, MediaStatus, PupilConsent
from consent.services.media import looked_after_set, media_consent_record

from .people import DEMO_CLASS, NEW_PARENT_EMAIL
from .plan import PupilKey, SchoolPlan

FORM_DATE = date(2026, 9, 3)  # the forms came back in the first week of term
# (share, status): what the office has on paper for the rest of the school.
MIX = ((0.86, MediaStatus.GRANTED), (0.05, MediaStatus.REFUSED), (0.04, MediaStatus.WITHDRAWN))
# Rowan, the demo teacher's class, shows every case: "Amir Ko." withdrawn, and the next three
# pupils of the class refused, with no form, and looked-after.
ROWAN_CASES = (("Amir", "Kohli", MediaStatus.WITHDRAWN),)
DP_TITLE = "How the school uses your child's information on the portal"
DP_BODY = (
    "The school uses this portal to share your child's class news, photos and work with you, "
    "to let you message your child's teacher, and to record your child's points.\n\n"
    "The school is the data controller. Everything stays on the school's own server and is "
    "never sold or shared with another company. You can download or delete what the portal "
    "holds about you at any time, and the office deletes your child's data when they leave "
    "the school, after the retention period in the school's privacy notice.\n\n"
    "Photos and recordings of your child appear only if you have given the office your "
    "written media consent, which you can withdraw at any time."
)


def _statuses(plan: SchoolPlan, seed: int) -> tuple[dict[PupilKey, str], set[PupilKey]]:
    """Each pupil's media status ("" for no form) and the looked-after pupils, by plan order."""
    rng = random.Random(seed + 11)  # noqa: S311  (demo data, not security)
    statuses: dict[PupilKey, str] = {}
    for pupil in plan.pupils:
        roll, status = rng.random(), ""
        for share, choice in MIX:
            if roll < share:
                status = choice
                break
            roll -= share
        statuses[pupil.key] = status
    rowan = [p for p in plan.pupils if p.class_name == DEMO_CLASS]
    for first, surname, status in ROWAN_CASES:
        for p in rowan:
            if (p.first_name, p.surname) == (first, surname):
                statuses[p.key] = status
    others = [
        p for p in rowan if (p.first_name, p.surname) not in {("Amir", "Khan"), ("Amir", "Kohli")}
    ]
    statuses[others[0].key], statuses[others[1].key] = MediaStatus.REFUSED, ""
    looked_after = {others[2].key, plan.pupils[len(plan.pupils) // 2].key}
    return statuses, looked_after


def ensure_consent(
    plan: SchoolPlan, *, office: User, pupil_ids: dict[PupilKey, int], seed: int
) -> int:
    """Record consent for demo pupils who have no consent row yet; returns how many."""
    recorded = set(PupilConsent.objects.values_list("pupil_id", flat=True))
    statuses, looked_after = _statuses(plan, seed)
    todo = {
        key: pk
        for key, pk in pupil_ids.items()
        if pk not in recorded and (statuses.get(key) or key in looked_after)
    }
    pupils = Pupil.objects.in_bulk(todo.values())
    for status in (MediaStatus.GRANTED, MediaStatus.REFUSED, MediaStatus.WITHDRAWN):
        group = [pupils[pk] for key, pk in todo.items() if statuses.get(key) == status]
        if group:
            media_consent_record(
                acting_user=office,
                pupils=group,
                status=status,
                form_date=FORM_DATE,
                evidence="Paper form returned at the start of the year",
            )
    cared_for = [pupils[pk] for key, pk in todo.items() if key in looked_after]
    if cared_for:
        looked_after_set(acting_user=office, pupils=cared_for, looked_after=True)
    return len(todo)


def ensure_data_processing(*, users: dict[str, User]) -> int:
    """Publish the first data-processing form if none exists, and record the demo parents'
    agreement for each linked child (all but the new parent); returns agreements made."""
    form = DataProcessingForm.objects.order_by("version").first()
    if form is None:
        form = DataProcessingForm.objects.create(version=1, title=DP_TITLE, body=DP_BODY)
    parent_ids = {u.pk for e, u in users.items() if u.role == "parent" and e != NEW_PARENT_EMAIL}
    done = set(
        DataProcessingAgreement.objects.filter(form=form).values_list("parent_id", "pupil_id")
    )
    links = ParentLink.objects.filter(parent_id__in=parent_ids).values_list(
        "parent_id", "pupil_id"
    )
    new = [
        DataProcessingAgreement(parent_id=p, pupil_id=c, form=form)
        for p, c in links
        if (p, c) not in done
    ]
    DataProcessingAgreement.objects.bulk_create(new)
    return len(new)
