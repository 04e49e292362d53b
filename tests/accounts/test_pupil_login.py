"""Pupil sign-in services: picture codes (only hashed), the lock after five failures, unlocking,
and the limit on guessing class codes. The teachers' notice of a lock is a notification
(``tests/notifications/test_pupil_lock.py``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from accounts.models import PupilLogin, Role, User
from accounts.pictures import CODE_LENGTH, PICTURES, PICTURES_BY_KEY, code_entropy_bits
from accounts.services.pupil_login import (
    CODE_WRONG_LENGTH,
    NOTHING_TO_UNLOCK,
    PICTURE_CODE_LOCKED,
    PUPIL_NOT_IN_CLASS,
    TOO_MANY_CLASS_CODES,
    UNKNOWN_PICTURE,
    WRONG_CLASS_CODE,
    WRONG_PICTURE_CODE,
    class_code_check,
    new_picture_code,
    pupil_code_check,
    pupil_code_set,
    pupil_unlock,
)
from tests.clock import at
from tests.factories import (
    PICTURE_CODE,
    CoverAssignmentFactory,
    LeaderFactory,
    OfficeFactory,
    ParentFactory,
    PupilFactory,
    SchoolClassFactory,
    SupportFactory,
    TeacherFactory,
    assign_support,
    assign_teacher,
    give_picture_code,
)

pytestmark = pytest.mark.django_db

WRONG = ["dog", "dog", "dog", "dog", "dog"]


def message(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.messages)


def fail(pupil, times: int = 1) -> None:
    for _ in range(times):
        with pytest.raises(ValidationError):
            pupil_code_check(pupil=pupil, code=WRONG)


def login_row(pupil) -> PupilLogin:
    return PupilLogin.objects.get(pupil=pupil)


# The code itself ------------------------------------------------------------------------


def test_pupil_code_has_at_least_20_bits_from_16_pictures_in_5_positions() -> None:
    assert len(PICTURES) == 16
    assert len(PICTURES_BY_KEY) == 16, "every picture has its own key"
    assert len({str(p.label) for p in PICTURES}) == 16, "every picture has its own word"
    assert CODE_LENGTH == 5
    assert code_entropy_bits() == 20
    assert code_entropy_bits() >= 20


def test_a_new_code_is_five_pictures_from_the_set_and_codes_differ() -> None:
    codes = {tuple(new_picture_code()) for _ in range(50)}
    assert all(len(code) == CODE_LENGTH for code in codes)
    assert all(key in PICTURES_BY_KEY for code in codes for key in code)
    assert len(codes) > 45, "codes are random, not a fixed sequence"


def test_each_picture_is_hidden_from_screen_readers_and_has_a_written_label() -> None:
    for picture in PICTURES:
        svg = str(picture.svg)
        assert svg.startswith("<svg")
        assert 'aria-hidden="true"' in svg
        assert 'viewBox="0 0 64 64"' in svg
        assert "style=" not in svg, "the CSP forbids inline styles"
        assert "<script" not in svg
        assert str(picture.label).strip()


def test_code_is_never_stored_in_clear(school_class) -> None:
    pupil = PupilFactory(school_class=school_class)
    twin = PupilFactory(school_class=school_class)
    give_picture_code(pupil, PICTURE_CODE)
    give_picture_code(twin, PICTURE_CODE)

    stored = login_row(pupil).code_hash
    assert re.fullmatch(r"[0-9a-f]{64}", stored)
    assert not any(key in stored for key in PICTURE_CODE)
    assert stored != login_row(twin).code_hash, "salted with the pupil: equal codes, other hashes"


def test_code_hash_is_keyed_by_the_secret_key(school_class) -> None:
    pupil = PupilFactory(school_class=school_class)
    give_picture_code(pupil, PICTURE_CODE)
    with (
        override_settings(SECRET_KEY="another-secret-key-for-this-test-only-0123456789"),
        pytest.raises(ValidationError),
    ):
        pupil_code_check(pupil=pupil, code=PICTURE_CODE)


def test_codes_made_before_a_key_rotation_still_work_with_the_old_key_as_fallback(
    school_class, settings
) -> None:
    pupil = PupilFactory(school_class=school_class)
    give_picture_code(pupil, PICTURE_CODE)
    old_key = settings.SECRET_KEY
    with override_settings(
        SECRET_KEY="the-new-secret-key-for-this-test-only-0123456789",
        SECRET_KEY_FALLBACKS=[old_key],
    ):
        assert pupil_code_check(pupil=pupil, code=PICTURE_CODE) == pupil.user


# Setting a code --------------------------------------------------------------------------


def test_setting_a_code_makes_the_pupil_account_without_email_or_password(school_class) -> None:
    pupil = PupilFactory(school_class=school_class)
    keys = pupil_code_set(acting_user=OfficeFactory(), pupil=pupil)
    pupil.refresh_from_db()

    assert len(keys) == CODE_LENGTH
    user = pupil.user
    assert user is not None
    assert user.role == Role.PUPIL
    assert user.email is None
    assert not user.has_usable_password()
    assert not user.is_staff
    assert not user.is_superuser
    assert pupil_code_check(pupil=pupil, code=keys) == user


def test_a_new_code_keeps_the_account_and_the_old_code_stops_working(school_class) -> None:
    pupil = PupilFactory(school_class=school_class)
    give_picture_code(pupil, PICTURE_CODE)
    user = pupil.user
    new = ["moon", "moon", "car", "cake", "heart"]
    give_picture_code(pupil, new)

    assert User.objects.filter(role=Role.PUPIL).count() == 1
    assert pupil_code_check(pupil=pupil, code=new) == user
    with pytest.raises(ValidationError):
        pupil_code_check(pupil=pupil, code=PICTURE_CODE)


def test_a_new_code_clears_the_lock_and_the_failures(school_class) -> None:
    pupil = PupilFactory(school_class=school_class)
    give_picture_code(pupil)
    fail(pupil, 5)
    assert login_row(pupil).locked_at is not None

    give_picture_code(pupil, PICTURE_CODE)
    row = login_row(pupil)
    assert (row.locked_at, row.failed_attempts, row.first_failure_at) == (None, 0, None)
    assert pupil_code_check(pupil=pupil, code=PICTURE_CODE) == pupil.user


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (["cat", "sun", "boat", "tree"], CODE_WRONG_LENGTH % {"length": 5}),
        (["cat", "sun", "boat", "tree", "star", "moon"], CODE_WRONG_LENGTH % {"length": 5}),
        (["cat", "sun", "boat", "tree", "unicorn"], UNKNOWN_PICTURE % {"key": "unicorn"}),
    ],
)
def test_a_given_code_must_be_five_known_pictures_and_nothing_changes(
    school_class, code, expected
) -> None:
    pupil = PupilFactory(school_class=school_class)
    with pytest.raises(ValidationError) as error:
        pupil_code_set(acting_user=OfficeFactory(), pupil=pupil, code=code)
    assert message(error) == expected
    assert not PupilLogin.objects.exists()
    assert not User.objects.filter(role=Role.PUPIL).exists()


def test_a_pupil_not_in_a_class_gets_no_code(school) -> None:
    pupil = PupilFactory(school_class=None)
    with pytest.raises(ValidationError) as error:
        pupil_code_set(acting_user=OfficeFactory(), pupil=pupil)
    assert message(error) == PUPIL_NOT_IN_CLASS
    assert not PupilLogin.objects.exists()


@pytest.mark.parametrize("make", [OfficeFactory, LeaderFactory])
def test_office_and_leaders_may_set_any_pupils_code(school_class, make) -> None:
    pupil = PupilFactory(school_class=school_class)
    pupil_code_set(acting_user=make(), pupil=pupil, code=PICTURE_CODE)
    assert PupilLogin.objects.filter(pupil=pupil).exists()


def test_the_class_teacher_may_set_a_code(school_class, teacher) -> None:
    pupil = PupilFactory(school_class=school_class)
    pupil_code_set(acting_user=teacher, pupil=pupil, code=PICTURE_CODE)
    assert PupilLogin.objects.filter(pupil=pupil).exists()


def test_others_may_not_set_a_code(school_class) -> None:
    pupil = PupilFactory(school_class=school_class)
    other_teacher = assign_teacher(TeacherFactory(), SchoolClassFactory())
    pupil_user = PupilFactory(school_class=school_class)
    give_picture_code(pupil_user)
    for user in (
        ParentFactory(),
        other_teacher,
        assign_support(SupportFactory(), school_class),
        pupil_user.user,
    ):
        with pytest.raises(PermissionDenied):
            pupil_code_set(acting_user=user, pupil=pupil, code=PICTURE_CODE)
    assert not PupilLogin.objects.filter(pupil=pupil).exists()


# Checking a code and the lock --------------------------------------------------------------


def test_the_right_code_gives_the_pupils_account(school_class) -> None:
    pupil = PupilFactory(school_class=school_class)
    give_picture_code(pupil)
    assert pupil_code_check(pupil=pupil, code=PICTURE_CODE) == pupil.user


def test_a_wrong_code_is_refused_and_counted(school_class) -> None:
    pupil = PupilFactory(school_class=school_class)
    give_picture_code(pupil)
    with pytest.raises(ValidationError) as error:
        pupil_code_check(pupil=pupil, code=WRONG)
    assert message(error) == WRONG_PICTURE_CODE
    row = login_row(pupil)
    assert row.failed_attempts == 1
    assert row.locked_at is None


def test_the_fifth_wrong_code_locks_and_the_sixth_with_the_right_code_is_refused(
    school_class, django_capture_on_commit_callbacks
) -> None:
    pupil = PupilFactory(school_class=school_class)
    give_picture_code(pupil)
    with django_capture_on_commit_callbacks(execute=True):
        fail(pupil, 4)
        assert login_row(pupil).locked_at is None
        with pytest.raises(ValidationError) as fifth:
            pupil_code_check(pupil=pupil, code=WRONG)
    assert message(fifth) == PICTURE_CODE_LOCKED
    assert login_row(pupil).locked_at is not None

    with pytest.raises(ValidationError) as sixth:
        pupil_code_check(pupil=pupil, code=PICTURE_CODE)
    assert message(sixth) == PICTURE_CODE_LOCKED


def test_failures_count_from_the_first_within_15_minutes(school_class) -> None:
    pupil = PupilFactory(school_class=school_class)
    give_picture_code(pupil)
    start = timezone.now()
    with at(start):
        fail(pupil, 4)
    later = start + dt.timedelta(minutes=16)
    with at(later):
        fail(pupil)
    row = login_row(pupil)
    assert row.locked_at is None, "the window had ended: the count starts again"
    assert row.failed_attempts == 1
    assert row.first_failure_at == later


def test_five_failures_just_inside_the_window_lock(school_class) -> None:
    pupil = PupilFactory(school_class=school_class)
    give_picture_code(pupil)
    start = timezone.now()
    with at(start):
        fail(pupil, 4)
    with at(start + dt.timedelta(minutes=14)):
        fail(pupil)
    assert login_row(pupil).locked_at is not None


def test_the_right_code_clears_earlier_failures(school_class) -> None:
    pupil = PupilFactory(school_class=school_class)
    give_picture_code(pupil)
    fail(pupil, 4)
    pupil_code_check(pupil=pupil, code=PICTURE_CODE)
    fail(pupil, 4)
    row = login_row(pupil)
    assert row.locked_at is None
    assert row.failed_attempts == 4


def test_a_pupil_who_has_left_cannot_sign_in(school_class) -> None:
    pupil = PupilFactory(school_class=school_class)
    give_picture_code(pupil)
    pupil.leaving_date = dt.date(2026, 7, 20)
    pupil.save()
    with pytest.raises(ValidationError):
        pupil_code_check(pupil=pupil, code=PICTURE_CODE)


# Unlocking -----------------------------------------------------------------------------------


def locked_pupil(school_class):
    pupil = PupilFactory(school_class=school_class)
    give_picture_code(pupil)
    fail(pupil, 5)
    return pupil


@pytest.mark.parametrize("who", ["teacher", "support", "cover", "office", "leader"])
def test_class_staff_office_and_leaders_may_unlock(school_class, who) -> None:
    users: dict[str, Callable[[], Any]] = {
        "teacher": lambda: assign_teacher(TeacherFactory(), school_class),
        "support": lambda: assign_support(SupportFactory(), school_class),
        "cover": lambda: CoverAssignmentFactory(school_class=school_class).teacher,
        "office": OfficeFactory,
        "leader": LeaderFactory,
    }
    pupil = locked_pupil(school_class)
    pupil_unlock(acting_user=users[who](), pupil=pupil)
    row = login_row(pupil)
    assert (row.locked_at, row.failed_attempts, row.first_failure_at) == (None, 0, None)
    assert pupil_code_check(pupil=pupil, code=PICTURE_CODE) == pupil.user


def test_others_may_not_unlock_and_the_lock_stays(school_class) -> None:
    pupil = locked_pupil(school_class)
    other_class = SchoolClassFactory()
    ended_cover = CoverAssignmentFactory(
        school_class=school_class,
        starts_at=timezone.now() - dt.timedelta(hours=3),
        ends_at=timezone.now() - dt.timedelta(hours=1),
    )
    for user in (
        assign_teacher(TeacherFactory(), other_class),
        ended_cover.teacher,
        ParentFactory(),
        pupil.user,
    ):
        with pytest.raises(PermissionDenied):
            pupil_unlock(acting_user=user, pupil=pupil)
    assert login_row(pupil).locked_at is not None


def test_unlocking_a_pupil_without_a_code_says_so(school_class, teacher) -> None:
    pupil = PupilFactory(school_class=school_class)
    with pytest.raises(ValidationError) as error:
        pupil_unlock(acting_user=teacher, pupil=pupil)
    assert message(error) == NOTHING_TO_UNLOCK


# Class codes ---------------------------------------------------------------------------------


def test_the_class_code_finds_the_class_in_any_case_and_with_spaces(school_class) -> None:
    typed = " ".join(school_class.class_code.lower())
    assert class_code_check(code=typed, ip="10.0.0.1") == school_class


def test_a_wrong_class_code_is_refused(school_class) -> None:
    with pytest.raises(ValidationError) as error:
        class_code_check(code="ZZZZZZ", ip="10.0.0.1")
    assert message(error) == WRONG_CLASS_CODE


def test_too_many_wrong_class_codes_block_that_address_even_with_the_right_code(
    school_class, settings
) -> None:
    for _ in range(settings.CLASS_CODE_MAX_FAILURES - 1):
        with pytest.raises(ValidationError):
            class_code_check(code="ZZZZZZ", ip="10.0.0.1")
    assert class_code_check(code=school_class.class_code, ip="10.0.0.1") == school_class

    with pytest.raises(ValidationError):
        class_code_check(code="ZZZZZZ", ip="10.0.0.1")
    with pytest.raises(ValidationError) as blocked:
        class_code_check(code=school_class.class_code, ip="10.0.0.1")
    assert message(blocked) == TOO_MANY_CLASS_CODES
    assert class_code_check(code=school_class.class_code, ip="10.0.0.2") == school_class
