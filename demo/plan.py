"""The demo school as plain data: a pure function of the seed and the scale.

Nothing here touches the database, so the same plan can be built twice and compared, and the
writer in :mod:`demo.seed` only has to make the database match it. Copy ``k`` of a
scaled school has its own random stream, so the plan at scale 2 contains the plan at scale 1.
"""

from __future__ import annotations

import hashlib
import json
import random
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from accounts.models import Role

from .names import CLASS_NAMES, ORIGINS, STAFF_TITLES, Origin
from .people import (
    DEMO_CLASS,
    DEMO_DEPUTY,
    DEMO_FAMILIES,
    DEMO_HEAD,
    DEMO_OFFICE,
    DEMO_SUPPORT,
    DEMO_TEACHER,
    PARENT_DOMAIN,
    STAFF_DOMAIN,
    DemoFamily,
)

DEFAULT_SEED = 2026
ACADEMIC_YEAR = 2026
PUPILS_PER_CLASS = 30
TWO_PARENT_SHARE = 0.66
CHILDREN_WEIGHTS = {1: 76, 2: 19, 3: 5}

PupilKey = tuple[str, str, str, date]


@dataclass(frozen=True)
class ClassPlan:
    name: str
    year_group: int


@dataclass(frozen=True)
class PupilPlan:
    class_name: str
    first_name: str
    surname: str
    date_of_birth: date

    @property
    def key(self) -> PupilKey:
        return (self.class_name, self.first_name, self.surname, self.date_of_birth)


@dataclass(frozen=True)
class AdultPlan:
    email: str
    first_name: str
    last_name: str
    role: str
    title: str = ""
    preferred_language: str = "en-gb"

    @property
    def is_staff(self) -> bool:
        """Office staff and leaders may reach the admin (after setting up two-factor sign-in)."""
        return self.role in (Role.OFFICE, Role.LEADER)


@dataclass(frozen=True)
class AssignmentPlan:
    email: str
    class_name: str
    teaches: bool


@dataclass(frozen=True)
class CoverPlan:
    """``email`` covers ``class_name`` one afternoon a week (0 = Monday): PPA time."""

    email: str
    class_name: str
    weekday: int


@dataclass
class SchoolPlan:
    classes: list[ClassPlan] = field(default_factory=list)
    pupils: list[PupilPlan] = field(default_factory=list)
    adults: list[AdultPlan] = field(default_factory=list)
    links: list[tuple[str, PupilKey]] = field(default_factory=list)
    assignments: list[AssignmentPlan] = field(default_factory=list)
    covers: list[CoverPlan] = field(default_factory=list)

    def digest(self) -> str:
        """A fingerprint of every name, date and link: equal plans have equal digests."""
        return rows_digest(
            [
                *(p.key for p in self.pupils),
                *((a.email, a.first_name, a.last_name, a.role) for a in self.adults),
                *((email, *key) for email, key in self.links),
            ]
        )


def rows_digest(rows: Iterable[tuple[object, ...]]) -> str:
    """An order-free fingerprint of ``rows`` (dates as ISO strings)."""
    lines = sorted(json.dumps([str(value) for value in row]) for row in rows)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def email_slug(text: str) -> str:
    """``text`` as plain lower-case ASCII letters for an address: “Łucja” → “lucja”."""
    text = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum())


class EmailBook:
    """Hands out ``first.last@domain`` addresses, numbering the second “Sam Smith” and on."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def claim(self, first_name: str, last_name: str, domain: str) -> str:
        base = f"{email_slug(first_name)}.{email_slug(last_name)}"
        email, number = f"{base}@{domain}", 1
        while email in self.taken:
            number += 1
            email = f"{base}{number}@{domain}"
        self.taken.add(email)
        return email


def birth_date(rng: random.Random, year_group: int) -> date:
    """A birthday that puts a child in ``year_group`` in England in ACADEMIC_YEAR.

    Reception in 2026–27 was born 1 September 2021 – 31 August 2022; each year group up is a
    year older, Nursery a year younger (``year_group`` is YearGroup's value, 1 = Reception).
    """
    first = date(ACADEMIC_YEAR - 4 - year_group, 9, 1)
    last = date(first.year + 1, 8, 31)
    return first + timedelta(days=rng.randrange((last - first).days + 1))


class PlanBuilder:
    """Builds one copy of the school into ``plan``; the first copy holds the demo families."""

    def __init__(self, plan: SchoolPlan, emails: EmailBook, rng: random.Random, copy: int):
        self.plan, self.emails, self.rng, self.copy = plan, emails, rng, copy
        suffix = "" if copy == 0 else f" {copy + 1}"
        self.classes = [ClassPlan(f"{name}{suffix}", year) for name, year in CLASS_NAMES]
        self.room = {c.name: PUPILS_PER_CLASS for c in self.classes}
        self.pupil_keys: set[PupilKey] = set()

    def origin(self) -> Origin:
        names = list(ORIGINS)
        return ORIGINS[self.rng.choices(names, weights=[ORIGINS[n].weight for n in names])[0]]

    def adult(self, first: str, last: str, role: str, **extra: str) -> AdultPlan:
        domain = PARENT_DOMAIN if role == Role.PARENT else STAFF_DOMAIN
        email = self.emails.claim(first, last, domain)
        person = AdultPlan(email, first, last, role, **extra)
        self.plan.adults.append(person)
        return person

    def pupil(self, first: str, surname: str, school_class: ClassPlan) -> PupilPlan:
        """A new pupil in ``school_class``; twins of name and birthday are drawn again."""
        while True:
            pupil = PupilPlan(
                school_class.name, first, surname, birth_date(self.rng, school_class.year_group)
            )
            if pupil.key not in self.pupil_keys:
                break
        self.pupil_keys.add(pupil.key)
        self.room[school_class.name] -= 1
        self.plan.pupils.append(pupil)
        return pupil

    def link(self, parents: Iterable[AdultPlan], children: Iterable[PupilPlan]) -> None:
        children = list(children)
        for parent in parents:
            self.plan.links.extend((parent.email, child.key) for child in children)

    def class_named(self, name: str) -> ClassPlan:
        return next(c for c in self.classes if c.name == name)

    def staff(self, role: str, name: tuple[str, str, str] | None = None) -> AdultPlan:
        """A staff member: the demo person ``(title, first, last)`` or a generated one."""
        if name is None:
            origin = self.origin()
            name = (
                self.rng.choice(STAFF_TITLES) if role != Role.SUPPORT else "",
                self.rng.choice(origin.first_names),
                self.rng.choice(origin.surnames),
            )
        title, first, last = name
        return self.adult(first, last, role, title=title)

    def build(self) -> None:
        self.plan.classes.extend(self.classes)
        if self.copy == 0:
            for family in DEMO_FAMILIES:
                self.demo_family(family)
        while any(self.room.values()):
            self.family()
        self.add_staff()

    def demo_family(self, family: DemoFamily) -> None:
        surname = family.parents[0][1]
        parents = [self.adult(first, last, Role.PARENT) for first, last in family.parents]
        children = [
            self.pupil(first, surname, self.class_named(c)) for first, c in family.children
        ]
        self.link(parents, children)

    def family(self) -> None:
        """A generated family: one to three children in different year groups, one or two
        parents; the second parent sometimes has another surname."""
        rng, origin = self.rng, self.origin()
        surname = rng.choice(origin.surnames)
        open_years = sorted({c.year_group for c in self.classes if self.room[c.name] > 0})
        wanted = rng.choices(list(CHILDREN_WEIGHTS), weights=list(CHILDREN_WEIGHTS.values()))[0]
        years = sorted(rng.sample(open_years, min(wanted, len(open_years))))
        first_names = rng.sample(origin.first_names, len(years))
        children = []
        for year, first in zip(years, first_names, strict=True):
            school_class = rng.choice(
                [c for c in self.classes if c.year_group == year and self.room[c.name] > 0]
            )
            children.append(self.pupil(first, surname, school_class))
        language = rng.choice(("en-gb", *origin.languages))
        surnames = [surname]
        if rng.random() < TWO_PARENT_SHARE:
            surnames.append(surname if rng.random() < 0.75 else rng.choice(origin.surnames))
        parents = [
            self.adult(
                rng.choice(origin.first_names), last, Role.PARENT, preferred_language=language
            )
            for last in surnames
        ]
        self.link(parents, children)

    def add_staff(self) -> None:
        """One teacher per class, support staff (two in the youngest classes), three PPA
        teachers who cover each class one afternoon a week, three office staff, two leaders."""
        demo = self.copy == 0
        for school_class in self.classes:
            is_demo_class = demo and school_class.name == DEMO_CLASS
            posts = [(Role.TEACHER, DEMO_TEACHER if is_demo_class else None)]
            posts.append((Role.SUPPORT, DEMO_SUPPORT if is_demo_class else None))
            if school_class.year_group <= 1:
                posts.append((Role.SUPPORT, None))
            for role, name in posts:
                person = self.staff(role, name)
                self.plan.assignments.append(
                    AssignmentPlan(person.email, school_class.name, role == Role.TEACHER)
                )
        shared = self.staff(Role.SUPPORT)
        for school_class in self.classes:
            if school_class.year_group == 3:
                self.plan.assignments.append(
                    AssignmentPlan(shared.email, school_class.name, False)
                )
        cover_teachers = [self.staff(Role.TEACHER) for _ in range(3)]
        for index, school_class in enumerate(self.classes):
            teacher = cover_teachers[index // 5]
            self.plan.covers.append(CoverPlan(teacher.email, school_class.name, index % 5))
        for name in (DEMO_OFFICE if demo else None, None, None):
            self.staff(Role.OFFICE, name)
        for name in (DEMO_HEAD, DEMO_DEPUTY) if demo else (None, None):
            self.staff(Role.LEADER, name)


def build_plan(*, seed: int = DEFAULT_SEED, scale: int = 1) -> SchoolPlan:
    """The demo school at ``scale`` (copies of the whole school), the same for the same seed."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    plan, emails = SchoolPlan(), EmailBook()
    for copy in range(scale):
        # A demo, not a secret: a seeded generator is the point.
        rng = random.Random(f"dojo-demo:{seed}:{copy}")  # noqa: S311
        PlanBuilder(plan, emails, rng, copy).build()
    return plan
