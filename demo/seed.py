"""Writes the demo school's plan to the database, creating only what is missing.

Every row has a natural key (a class's name and year, a person's email, a pupil's class, name
and birthday, …), so a second run finds everything in place and creates nothing. Bulk inserts
and one password hash keep the default school to a few seconds on SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import ParentLink, User
from accounts.selectors.people import CHILDREN_GENERATION
from classes.models import Pupil, SchoolClass, SchoolClassUserObjectPermission
from classes.selectors import SUPPORT, TEACH, school_get
from classes.services import staff_assign
from consent.selectors.data_processing import DP_GENERATION
from core.generations import generation_bump
from core.statistics import analyze_on_commit

from .consent import ensure_consent, ensure_data_processing
from .extras import DemoInvite, ensure_conduct, ensure_invite, ensure_pupil_code
from .notifications import ensure_notifications
from .people import DEMO_PASSWORD, LEADER_EMAIL, OFFICE_EMAIL, PARENT_DOMAIN, STAFF_DOMAIN
from .plan import ACADEMIC_YEAR, DEFAULT_SEED, PupilKey, SchoolPlan, build_plan
from .points import ensure_needs_work_skills, ensure_points
from .schoolyear import ensure_closures, ensure_covers
from .stories import ensure_stories

UNCONFIGURED_SCHOOL_NAME = "Our school"  # what the migration names it
SCHOOL_NAME = "New Village Primary School"
SCHOOL_PHONE = "01632 960123"  # in Ofcom's range for drama: never a real line
SCHOOL_EMAIL = "office@new-village.example.org"
SCHOOL_TIME_ZONE = "Europe/London"


@dataclass
class SeedReport:
    """What one run created, by kind of row, and the invite code if it made one."""

    created: dict[str, int] = field(default_factory=dict)
    invite: DemoInvite | None = None

    @property
    def created_anything(self) -> bool:
        return any(self.created.values())


@transaction.atomic
def seed_demo(
    *, scale: int = 1, seed: int = DEFAULT_SEED, today: date | None = None
) -> SeedReport:
    """Make the database hold the demo school at ``scale``; return what this run created.

    For a demo or development database only: its people share a printed password. ``today``
    (default: today in the school's time zone) gets PPA cover even outside the academic year.
    """
    plan = build_plan(seed=seed, scale=scale)
    created: dict[str, int] = {"school": _configure_school()}
    school = school_get()
    classes, created["classes"] = _ensure_classes(plan)
    users, created["adults"] = _ensure_adults(plan)
    pupil_ids, created["pupils"] = _ensure_pupils(plan, classes)
    created["parent links"] = _ensure_links(plan, users, pupil_ids, classes)
    office = users[OFFICE_EMAIL]
    created["staff assignments"] = _ensure_assignments(plan, office, users, classes)
    created["closures"] = ensure_closures()
    today = today or timezone.localdate(timezone=school.tz)
    created["cover windows"] = ensure_covers(
        plan, tz=school.tz, users=users, classes=classes, today=today
    )
    created["codes of conduct"], created["conduct acceptances"] = ensure_conduct(
        plan, office=office, users=users
    )
    created["consent records"] = ensure_consent(
        plan, office=office, pupil_ids=pupil_ids, seed=seed
    )
    created["data-processing agreements"] = ensure_data_processing(users=users)
    created["skills"] = ensure_needs_work_skills(leader=users[LEADER_EMAIL])
    created["points"] = ensure_points(today=today, seed=seed, tz=school.tz)
    created.update(ensure_stories(today=today, seed=seed, tz=school.tz))
    created["notifications"] = ensure_notifications()
    created["picture codes"] = ensure_pupil_code(office=office)
    invite = ensure_invite(office=office)
    created["invite codes"] = int(invite is not None)
    report = SeedReport(created=created, invite=invite)
    if report.created_anything:
        # Bulk inserts send no signal: drop what the cache kept about families, and give the
        # planner statistics for the rows just made (every table: the seed fills nearly all).
        generation_bump(CHILDREN_GENERATION)
        generation_bump(DP_GENERATION)
        analyze_on_commit()
    return report


def _configure_school() -> int:
    """Name the school and its office, unless someone has configured it already."""
    school = school_get()
    if school.name != UNCONFIGURED_SCHOOL_NAME:
        return 0
    school.name, school.time_zone = SCHOOL_NAME, SCHOOL_TIME_ZONE
    school.office_phone, school.office_email = SCHOOL_PHONE, SCHOOL_EMAIL
    school.full_clean()
    school.save()
    return 1


def _ensure_classes(plan: SchoolPlan) -> tuple[dict[str, SchoolClass], int]:
    this_year = SchoolClass.objects.filter(academic_year=ACADEMIC_YEAR)
    existing = set(this_year.values_list("name", flat=True))
    new = [
        SchoolClass(name=c.name, year_group=c.year_group, academic_year=ACADEMIC_YEAR)
        for c in plan.classes
        if c.name not in existing
    ]
    SchoolClass.objects.bulk_create(new)
    names = {c.name for c in plan.classes}
    return {c.name: c for c in this_year.all() if c.name in names}, len(new)


def _demo_users() -> dict[str, User]:
    domains = Q(email__endswith=f"@{PARENT_DOMAIN}") | Q(email__endswith=f"@{STAFF_DOMAIN}")
    return {user.email: user for user in User.objects.filter(domains) if user.email}


def _ensure_adults(plan: SchoolPlan) -> tuple[dict[str, User], int]:
    """The plan's adults by email, each with a verified address; returns how many are new."""
    existing = _demo_users()
    missing = [a for a in plan.adults if a.email not in existing]
    # One hash for everyone: hashing is slow by design, and they share the demo password.
    password = make_password(DEMO_PASSWORD) if missing else ""
    User.objects.bulk_create(
        [
            User(
                email=a.email,
                first_name=a.first_name,
                last_name=a.last_name,
                title=a.title,
                role=a.role,
                is_staff=a.is_staff,
                preferred_language=a.preferred_language,
                password=password,
            )
            for a in missing
        ]
    )
    users = _demo_users() if missing else existing
    addresses = EmailAddress.objects.filter(user__in=users.values())
    have_address = set(addresses.values_list("email", flat=True))
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=users[a.email], email=a.email, primary=True, verified=True)
            for a in plan.adults
            if a.email not in have_address
        ]
    )
    return users, len(missing)


def _ensure_pupils(
    plan: SchoolPlan, classes: dict[str, SchoolClass]
) -> tuple[dict[PupilKey, int], int]:
    def current() -> dict[PupilKey, int]:
        rows = Pupil.objects.filter(school_class__in=classes.values()).values_list(
            "school_class__name", "first_name", "surname", "date_of_birth", "pk"
        )
        return {(c, f, s, d): pk for c, f, s, d, pk in rows}

    existing = current()
    new = [
        Pupil(
            school_class=classes[p.class_name],
            first_name=p.first_name,
            surname=p.surname,
            date_of_birth=p.date_of_birth,
        )
        for p in plan.pupils
        if p.key not in existing
    ]
    Pupil.objects.bulk_create(new)
    return (current() if new else existing), len(new)


def _ensure_links(
    plan: SchoolPlan,
    users: dict[str, User],
    pupil_ids: dict[PupilKey, int],
    classes: dict[str, SchoolClass],
) -> int:
    existing = set(
        ParentLink.objects.filter(pupil__school_class__in=classes.values()).values_list(
            "parent_id", "pupil_id"
        )
    )
    wanted = {(users[email].pk, pupil_ids[key]) for email, key in plan.links}
    new = sorted(wanted - existing)
    ParentLink.objects.bulk_create([ParentLink(parent_id=p, pupil_id=c) for p, c in new])
    return len(new)


def _ensure_assignments(
    plan: SchoolPlan, office: User, users: dict[str, User], classes: dict[str, SchoolClass]
) -> int:
    """Staff assignments through the classes service, as the office would make them."""
    existing = set(
        SchoolClassUserObjectPermission.objects.filter(
            content_object__in=classes.values()
        ).values_list("user_id", "content_object_id", "permission__codename")
    )
    made = 0
    for item in plan.assignments:
        staff, school_class = users[item.email], classes[item.class_name]
        if (staff.pk, school_class.pk, TEACH if item.teaches else SUPPORT) not in existing:
            staff_assign(
                acting_user=office, staff=staff, school_class=school_class, teaches=item.teaches
            )
            made += 1
    return made
