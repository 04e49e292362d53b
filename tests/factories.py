"""Factories that keep school, class and pupil consistent. Names are generated, never real."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from guardian.shortcuts import assign_perm

from accounts.models import (
    CodeOfConduct,
    ConductAcceptance,
    ExtraParentRequest,
    InviteCode,
    ParentLink,
    Role,
    User,
)
from classes.models import Closure, CoverAssignment, Pupil, SchoolClass, YearGroup

PASSWORD = "correct-horse-battery-staple"

# Adults get invented names from their own pool, children get Faker's. Tests assert that a
# child's surname never reaches a page that also shows a parent's or teacher's name, so an
# adult's name must never begin with a name a child can have (a random "Ms Khan" beside a
# pupil called Khan once failed such a test); tests/test_factories.py checks it.
ADULT_FIRST_NAMES = (
    "Quorra", "Quenby", "Xanthe", "Xeno", "Zephyr", "Zinnia", "Zorya", "Quennel", "Xylia",
    "Zuleika", "Xavi",
)  # fmt: skip
ADULT_SURNAMES = tuple(
    stem + ending
    for stem in ("Quarr", "Quorr", "Quenn", "Xand", "Xerr", "Zabr", "Zell", "Zorr")
    for ending in ("ington", "by", "ford", "ham", "wick")
)


def _adult_name(pool: tuple[str, ...]) -> factory.Sequence:
    return factory.Sequence(lambda n: pool[n % len(pool)])


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = _adult_name(ADULT_FIRST_NAMES)
    last_name = _adult_name(ADULT_SURNAMES)
    role = Role.PARENT
    password = factory.django.Password(PASSWORD)


class ParentFactory(UserFactory):
    role = Role.PARENT


class TeacherFactory(UserFactory):
    role = Role.TEACHER
    title = "Ms"


class SupportFactory(UserFactory):
    role = Role.SUPPORT


class OfficeFactory(UserFactory):
    role = Role.OFFICE
    is_staff = True


class LeaderFactory(UserFactory):
    role = Role.LEADER
    is_staff = True


class SchoolClassFactory(factory.django.DjangoModelFactory[SchoolClass]):
    class Meta:
        model = SchoolClass

    name = factory.Sequence(lambda n: f"Class {n}")
    year_group = YearGroup.YEAR_3
    academic_year = 2026


class PupilFactory(factory.django.DjangoModelFactory[Pupil]):
    class Meta:
        model = Pupil

    first_name = factory.Faker("first_name", locale="en_GB")
    surname = factory.Faker("last_name", locale="en_GB")
    date_of_birth = dt.date(2018, 5, 17)
    school_class = factory.SubFactory(SchoolClassFactory)


class ParentLinkFactory(factory.django.DjangoModelFactory[ParentLink]):
    class Meta:
        model = ParentLink

    parent = factory.SubFactory(ParentFactory)
    pupil = factory.SubFactory(PupilFactory)


class CoverAssignmentFactory(factory.django.DjangoModelFactory[CoverAssignment]):
    class Meta:
        model = CoverAssignment

    teacher = factory.SubFactory(TeacherFactory)
    school_class = factory.SubFactory(SchoolClassFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=1))


class ClosureFactory(factory.django.DjangoModelFactory[Closure]):
    class Meta:
        model = Closure

    starts_on = dt.date(2026, 10, 23)
    ends_on = dt.date(2026, 10, 23)
    reason = "INSET day"


class CodeOfConductFactory(factory.django.DjangoModelFactory[CodeOfConduct]):
    class Meta:
        model = CodeOfConduct

    audience = CodeOfConduct.Audience.PARENTS
    version = factory.Sequence(lambda n: n + 1)
    title = "Code of conduct for parents and carers"
    body = "Treat staff with respect. What is posted here stays here."


class ConductAcceptanceFactory(factory.django.DjangoModelFactory[ConductAcceptance]):
    class Meta:
        model = ConductAcceptance

    user = factory.SubFactory(ParentFactory)
    conduct = factory.SubFactory(CodeOfConductFactory)


def assign_teacher(user: User, school_class: SchoolClass) -> User:
    assign_perm("classes.teach_class", user, school_class)
    return user


def assign_support(user: User, school_class: SchoolClass) -> User:
    assign_perm("classes.support_class", user, school_class)
    return user


def with_totp(user: User) -> str:
    """Turn on TOTP two-factor authentication for ``user``; returns the secret."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def _invite_code() -> str:
    from accounts.services.invites import new_code

    return new_code()


def _invite_hash(invite: factory.builder.Resolver) -> str:
    """The hash of the ``code`` parameter (the resolver reads parameters and fields alike)."""
    from accounts.services.invites import hash_code

    return hash_code(invite.code)


class InviteCodeFactory(factory.django.DjangoModelFactory[InviteCode]):
    """An unused invite code. Pass ``code="ABCDEFGHJKLM"`` to know its plaintext (R2)."""

    class Meta:
        model = InviteCode

    class Params:
        code = factory.LazyFunction(_invite_code)

    pupil = factory.SubFactory(PupilFactory)
    code_hash = factory.LazyAttribute(_invite_hash)
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))


class ExtraParentRequestFactory(factory.django.DjangoModelFactory[ExtraParentRequest]):
    """A pending request from a third carer (R3)."""

    class Meta:
        model = ExtraParentRequest

    parent = factory.SubFactory(ParentFactory)
    pupil = factory.SubFactory(PupilFactory)
    invite = factory.SubFactory(
        InviteCodeFactory,
        pupil=factory.SelfAttribute("..pupil"),
        used_by=factory.SelfAttribute("..parent"),
        used_at=factory.LazyFunction(timezone.now),
    )


PICTURE_CODE = ["cat", "sun", "boat", "tree", "star"]


def give_picture_code(pupil: Pupil, code: list[str] | None = None) -> list[str]:
    """Give ``pupil`` a picture code (and their sign-in account) as the office would."""
    from accounts.services.pupil_login import pupil_code_set

    keys = pupil_code_set(acting_user=OfficeFactory(), pupil=pupil, code=code or PICTURE_CODE)
    pupil.refresh_from_db()
    return keys
