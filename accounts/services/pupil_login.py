"""Pupils' sign-in: the class code, the personal picture code, its lock and the teacher's notice.

A pupil types (or scans) their class code, picks their name and taps their five pictures. Only
an HMAC of the code is stored. Five wrong codes within 15 minutes of the first lock the code
until a member of the class's staff unlocks it; the class teachers are told by email.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from classes.models import Pupil, SchoolClass
from classes.names import display_names
from classes.selectors import teachers_by_class
from dojo_portal.queue import enqueue_on_commit
from dojo_portal.ratelimit import FailureLimit

from ..models import PupilLogin, Role, User
from ..permissions_pupil import can_set_pupil_code, can_unlock_pupil_code
from ..pictures import CODE_LENGTH, PICTURES, PICTURES_BY_KEY
from ..selectors_pupil import sign_in_class_by_code
from ..tasks import notify_teachers_of_pupil_lock

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
LOCK_EMAIL_SUBJECT = _("Picture code locked: %(name)s")
LOCK_EMAIL_BODY = _(
    "%(name)s in %(class_name)s typed a wrong picture code %(count)d times, so their picture "
    "code is locked and they cannot sign in.\n\n"
    "When you are with %(name)s, unlock it on your home page:\n%(url)s\n\n"
    "If %(name)s has forgotten their pictures, the school office can print a new picture card."
)

# Long enough that no retry or duplicate delivery of a task can send the notice twice.
LOCK_NOTICE_GUARD_SECONDS = 30 * 24 * 3600
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
    login.code_hash = _code_hash(pupil.pk, keys)
    login.failed_attempts, login.first_failure_at, login.locked_at = 0, None, None
    login.full_clean()
    login.save()
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
    if login.failed_attempts >= settings.PUPIL_CODE_MAX_FAILURES:
        login.locked_at = now
        # The lock shows on the teachers' home pages whatever happens; the email is extra.
        enqueue_on_commit(notify_teachers_of_pupil_lock, login.pupil_id, now.isoformat())
    login.full_clean()
    login.save(update_fields=["failed_attempts", "first_failure_at", "locked_at"])


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
    login.failed_attempts, login.first_failure_at, login.locked_at = 0, None, None
    login.full_clean()
    login.save(update_fields=["failed_attempts", "first_failure_at", "locked_at"])
    return login


def pupil_lock_notify(*, pupil_id: int, locked_at: datetime) -> int:
    """Email each current teacher of the pupil's class that the pupil's code is locked.

    Idempotent: nothing is sent unless the code is still locked by the lock made at
    ``locked_at``, and a lock is told about once, however often the task runs. The pupil is
    named by display name only (R6). Returns the number of emails sent.
    """
    login = PupilLogin.objects.select_related("pupil").filter(pupil_id=pupil_id).first()
    if login is None or login.locked_at != locked_at or login.pupil.school_class_id is None:
        return 0
    guard = f"pupil-lock-notice:{pupil_id}:{locked_at.isoformat()}"
    if not cache.add(guard, 1, timeout=LOCK_NOTICE_GUARD_SECONDS):
        return 0
    try:
        return _email_teachers(login.pupil)
    except Exception:
        cache.delete(guard)  # let a retry send it
        raise


def _email_teachers(pupil: Pupil) -> int:
    class_id = pupil.school_class_id
    assert class_id is not None  # checked by the caller
    name = display_names([pupil])[pupil.pk]
    class_name = SchoolClass.objects.values_list("name", flat=True).get(pk=class_id)
    context = {
        "name": name,
        "class_name": class_name,
        "count": settings.PUPIL_CODE_MAX_FAILURES,
        "url": settings.SITE_URL + reverse("home"),
    }
    emails = []
    for teacher in teachers_by_class({class_id}).get(class_id, []):
        if not teacher.email or not teacher.is_active or teacher.is_suspended:
            continue
        with translation.override(teacher.preferred_language):
            subject, body = LOCK_EMAIL_SUBJECT % context, LOCK_EMAIL_BODY % context
        emails.append(EmailMessage(str(subject), str(body), to=[teacher.email]))
    if emails:
        get_connection().send_messages(emails)
    return len(emails)
