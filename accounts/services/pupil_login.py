"""Pupils' sign-in: the class code, the personal picture code, its lock and the teacher's notice.

A pupil types (or scans) their class code, picks their name and taps their five pictures. Only
an HMAC of the code is stored. Five wrong codes within 15 minutes of the first lock the code
until a member of the class's staff unlocks it; the lock shows on the class teachers' home pages
at once, and they are told through the notification service (``accounts.events``), which holds
their email to working time like every other notice to staff (R19, R31).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from classes.models import Pupil, SchoolClass
from core.ratelimit import FailureLimit

from ..events import pupil_code_lock_lifted, pupil_code_locked
from ..models import PupilLogin, Role, User
from ..permissions.pupils import can_set_pupil_code, can_unlock_pupil_code
from ..pictures import CODE_LENGTH, PICTURES, PICTURES_BY_KEY
from ..selectors.pupils import sign_in_class_by_code

WRONG_CLASS_CODE = _("We can't find that class code. Check it and try again.")
TOO_MANY_CLASS_CODES = _(
    "Too many wrong class codes. Wait a few minutes, or ask your teacher to help you."
)
WRONG_PICTURE_CODE = _("Those are not your pictures. Try again.")
PICTURE_CODE_LOCKED = _("Ask your teacher to help you sign in.")
NO_PICTURE_CODE = _("You don't have a picture code yet. Ask your teacher.")
CODE_WRONG_LENGTH = _("A picture code has exactly %(length)d pictures.")
UNKNOWN_PICTURE = _("“%(key)s” is not one of the pictures.")
PUPIL_NOT_IN_CLASS = _("This pupil is not in a class, so they cannot sign in with pictures.")
NOTHING_TO_UNLOCK = _("This pupil has no picture code yet.")
CLASS_CODE_FAILURE_WINDOW = timedelta(minutes=15)


def _class_code_limit() -> FailureLimit:
    return FailureLimit(
        "pupil_class_code", settings.CLASS_CODE_MAX_FAILURES, CLASS_CODE_FAILURE_WINDOW
    )


def class_code_check(*, code: str, ip: str) -> SchoolClass:
    """The class whose sign-in code is ``code``.

    Wrong codes are counted per IP address; once ``CLASS_CODE_MAX_FAILURES`` are used up within
    15 minutes every attempt is refused, even with a right code, so codes cannot be guessed.
    Raises ``ValidationError`` (``WRONG_CLASS_CODE`` or ``TOO_MANY_CLASS_CODES``).
    """
    limit = _class_code_limit()
    if limit.is_blocked(ip):
        raise ValidationError(TOO_MANY_CLASS_CODES, code="rate_limited")
    school_class = sign_in_class_by_code(code)
    if school_class is None:
        limit.record_failure(ip)
        raise ValidationError(WRONG_CLASS_CODE, code="wrong_class_code")
    return school_class


def new_picture_code() -> list[str]:
    """Five pictures drawn uniformly at random (repeats allowed): 20 bits."""
    return [secrets.choice(PICTURES).key for _ in range(CODE_LENGTH)]


def _validated_code(code: Sequence[str]) -> list[str]:
    keys = list(code)
    if len(keys) != CODE_LENGTH:
        raise ValidationError(CODE_WRONG_LENGTH, params={"length": CODE_LENGTH})
    for key in keys:
        if key not in PICTURES_BY_KEY:
            raise ValidationError(UNKNOWN_PICTURE, params={"key": key})
    return keys


def _code_hash(pupil_id: int, keys: Sequence[str], secret: str | bytes | None = None) -> str:
    """HMAC-SHA256 of the code, keyed by the secret key and salted with the pupil's id."""
    return salted_hmac(
        f"accounts.pupil_code.{pupil_id}", "-".join(keys), secret=secret, algorithm="sha256"
    ).hexdigest()


def _code_matches(login: PupilLogin, keys: Sequence[str]) -> bool:
    # Codes made before a key rotation keep working while the old key is a fallback.
    for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
        if constant_time_compare(login.code_hash, _code_hash(login.pupil_id, keys, secret)):
            return True
    return False


def _ensure_pupil_user(pupil: Pupil) -> None:
    """A pupil signs in as a User with the pupil role: no email, no usable password."""
    if pupil.user_id is None:
        user = User(role=Role.PUPIL, email=None)
        user.set_unusable_password()
        user.full_clean(exclude=["password", "email"])
        # AbstractUser.clean() turns a missing email into "", which would clash with the next
        # pupil's under the unique constraint: a pupil has no email at all (NULL).
        user.email = None
        user.save()
        Pupil.objects.filter(pk=pupil.pk).update(user=user)
        pupil.user = user


@transaction.atomic
def pupil_code_set(
    *, acting_user: User, pupil: Pupil, code: Sequence[str] | None = None
) -> list[str]:
    """Give ``pupil`` a new picture code and return its keys, in order.

    The office, leaders or a teacher of the pupil's class may call it. The code is random unless
    ``code`` is given (the demo data does). The old code stops working at once, failures and any
    lock are cleared, and the pupil's sign-in account is made if they have none yet.
    """
    keys = _validated_code(code) if code is not None else new_picture_code()
    pupil = Pupil.objects.select_for_update().get(pk=pupil.pk)
    if not can_set_pupil_code(acting_user, pupil):
        raise PermissionDenied
    if pupil.school_class_id is None or pupil.leaving_date is not None:
        raise ValidationError(PUPIL_NOT_IN_CLASS)
    _ensure_pupil_user(pupil)
    login = PupilLogin.objects.filter(pupil=pupil).first() or PupilLogin(pupil=pupil)
    was_locked_at = login.locked_at
    login.code_hash = _code_hash(pupil.pk, keys)
    login.failed_attempts, login.first_failure_at, login.locked_at = 0, None, None
    login.full_clean()
    login.save()
    _lock_lifted(login, was_locked_at)
    return keys


def pupil_code_check(*, pupil: Pupil, code: Sequence[str]) -> User:
    """The pupil's account if ``code`` is their picture code; otherwise ``ValidationError``.

    A locked code is refused even when right (``PICTURE_CODE_LOCKED``). A wrong code counts a
    failure (``WRONG_PICTURE_CODE``); the ``PUPIL_CODE_MAX_FAILURES``-th within
    ``PUPIL_CODE_FAILURE_WINDOW`` of the first locks the code and the class teachers are told.
    """
    if pupil.school_class_id is None or pupil.leaving_date is not None:
        raise ValidationError(NO_PICTURE_CODE, code="no_code")
    # The failure must be stored although the caller is told by an exception, which would roll
    # back an atomic block around it: the attempt is its own transaction, the raise comes after.
    outcome = _attempt(pupil.pk, list(code))
    if isinstance(outcome, ValidationError):
        raise outcome
    return outcome


@transaction.atomic
def _attempt(pupil_id: int, keys: list[str]) -> User | ValidationError:
    # The row lock makes concurrent attempts count one after another.
    login = PupilLogin.objects.select_for_update().filter(pupil_id=pupil_id).first()
    user = User.objects.filter(pupil__pk=pupil_id).first()
    if login is None or user is None:
        return ValidationError(NO_PICTURE_CODE, code="no_code")
    if login.locked_at is not None or not user.is_active:
        return ValidationError(PICTURE_CODE_LOCKED, code="locked")
    if _code_matches(login, keys):
        if login.failed_attempts:
            login.failed_attempts, login.first_failure_at = 0, None
            login.save(update_fields=["failed_attempts", "first_failure_at"])
        return user
    _count_failure(login, timezone.now())
    if login.locked_at is not None:
        return ValidationError(PICTURE_CODE_LOCKED, code="locked")
    return ValidationError(WRONG_PICTURE_CODE, code="wrong_code")


def _count_failure(login: PupilLogin, now: datetime) -> None:
    window_over = (
        login.first_failure_at is None
        or now - login.first_failure_at > settings.PUPIL_CODE_FAILURE_WINDOW
    )
    if window_over:
        login.failed_attempts, login.first_failure_at = 1, now
    else:
        login.failed_attempts += 1
    locks = login.failed_attempts >= settings.PUPIL_CODE_MAX_FAILURES
    if locks:
        login.locked_at = now
    login.full_clean()
    login.save(update_fields=["failed_attempts", "first_failure_at", "locked_at"])
    if locks:
        # The lock shows on the teachers' home pages at once; their notice is recorded in
        # this transaction, so it is never lost, and sent when they may be told (R19, R31).
        pupil_code_locked.send(sender=PupilLogin, pupil_id=login.pupil_id, locked_at=now)


def _lock_lifted(login: PupilLogin, locked_at: datetime | None) -> None:
    """Tell whoever listens that the lock made at ``locked_at`` (if any) no longer holds."""
    if locked_at is not None:
        pupil_code_lock_lifted.send(
            sender=PupilLogin, pupil_id=login.pupil_id, locked_at=locked_at
        )


@transaction.atomic
def pupil_unlock(*, acting_user: User, pupil: Pupil) -> PupilLogin:
    """Unlock ``pupil``'s picture code and clear its failures (their code stays the same).

    The office, leaders, or the staff of the pupil's class (assigned or covering now) may call it.
    """
    if not can_unlock_pupil_code(acting_user, pupil):
        raise PermissionDenied
    login = PupilLogin.objects.select_for_update().filter(pupil=pupil).first()
    if login is None:
        raise ValidationError(NOTHING_TO_UNLOCK)
    was_locked_at = login.locked_at
    login.failed_attempts, login.first_failure_at, login.locked_at = 0, None, None
    login.full_clean()
    login.save(update_fields=["failed_attempts", "first_failure_at", "locked_at"])
    _lock_lifted(login, was_locked_at)
    return login
