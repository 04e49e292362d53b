"""The demo's account extras: codes of conduct and who accepted them, the demo pupil's picture
code and a fresh invite code, each made through the accounts services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from accounts.models import CodeOfConduct, ConductAcceptance, InviteCode, PupilLogin, Role, User
from accounts.services.conduct import conduct_publish
from accounts.services.invites import invite_codes_create
from accounts.services.pupil_login import pupil_code_set
from classes.models import Pupil
from classes.names import display_names

from . import conduct
from .people import DEMO_PUPIL, DEMO_PUPIL_CODE, INVITE_PUPIL, NEW_PARENT_EMAIL
from .plan import ACADEMIC_YEAR, SchoolPlan

CONDUCT_TEXTS = {
    CodeOfConduct.Audience.PARENTS: (conduct.PARENTS_TITLE, conduct.PARENTS_BODY),
    CodeOfConduct.Audience.STAFF: (conduct.STAFF_TITLE, conduct.STAFF_BODY),
}


@dataclass(frozen=True)
class DemoInvite:
    """An invite code made by this run: only now is its plaintext known."""

    code: str
    display_name: str
    class_name: str
    date_of_birth: date


def demo_pupil(who: tuple[str, str, str] = DEMO_PUPIL) -> Pupil | None:
    """The current pupil ``(first name, surname, class)`` of the demo's year, if present."""
    first, surname, class_name = who
    return (
        Pupil.objects.current()
        .filter(
            first_name=first,
            surname=surname,
            school_class__name=class_name,
            school_class__academic_year=ACADEMIC_YEAR,
        )
        .select_related("school_class")
        .first()
    )


def ensure_conduct(plan: SchoolPlan, *, office: User, users: dict[str, User]) -> tuple[int, int]:
    """Publish a first code of conduct for each audience that has none, and record that the
    demo's adults accepted the first version, all but the new parent, who is left to see it.
    Returns (codes published, acceptances recorded)."""
    published = accepted = 0
    for audience, (title, body) in CONDUCT_TEXTS.items():
        first = CodeOfConduct.objects.filter(audience=audience).order_by("version").first()
        if first is None:
            first = conduct_publish(acting_user=office, audience=audience, title=title, body=body)
            published += 1
        done = set(
            ConductAcceptance.objects.filter(conduct=first).values_list("user_id", flat=True)
        )
        is_parents = audience == CodeOfConduct.Audience.PARENTS
        new = [
            ConductAcceptance(user=users[a.email], conduct=first)
            for a in plan.adults
            if (a.role == Role.PARENT) == is_parents
            and a.email != NEW_PARENT_EMAIL
            and users[a.email].pk not in done
        ]
        ConductAcceptance.objects.bulk_create(new)
        accepted += len(new)
    return published, accepted


def ensure_pupil_code(*, office: User) -> int:
    """Give the demo pupil their fixed picture code, unless they have a code already."""
    pupil = demo_pupil()
    if pupil is None or PupilLogin.objects.filter(pupil=pupil).exists():
        return 0
    pupil_code_set(acting_user=office, pupil=pupil, code=list(DEMO_PUPIL_CODE))
    return 1


def ensure_invite(*, office: User) -> DemoInvite | None:
    """A new invite code for a child with one parent, unless one was made before: only its
    hash is stored, so an earlier code cannot be shown again."""
    pupil = demo_pupil(INVITE_PUPIL)
    if pupil is None or pupil.school_class is None:
        return None
    if InviteCode.objects.filter(pupil=pupil).exists():
        return None
    [(_invite, code)] = invite_codes_create(acting_user=office, pupils=[pupil], per_pupil=1)
    return DemoInvite(
        code=code,
        display_name=display_names([pupil])[pupil.pk],
        class_name=pupil.school_class.name,
        date_of_birth=pupil.date_of_birth,
    )
