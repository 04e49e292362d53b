"""Invite codes: the office makes them, a parent redeems one to link to a child (R1, R2, R3).

A code is 12 characters from ``TYPEABLE_ALPHABET`` (60 bits), shown as ``ABCD-EFGH-JKLM``.
Only an HMAC-SHA256 of the normalised code (keyed with ``SECRET_KEY``) is stored, so a code can
be looked up by its hash and the plaintext exists only in the office's printed letters. A code
works once, until it expires, and only with the child's date of birth. Failed attempts count
per account, per IP address and per code typed; at the limit every attempt is refused, even one
with the right code, until the window ends.

Rotating ``SECRET_KEY`` makes every unused code unknown: print new letters after a rotation.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from audit import AuditAction, audit_record, audit_record_many
from classes.models import TYPEABLE_ALPHABET, Pupil
from classes.selectors import school_get
from core.queue import enqueue_on_commit
from core.ratelimit import FailureLimit

from ..models import ExtraParentRequest, InviteCode, ParentLink, Role, User
from ..permissions.accounts import can_manage_accounts, can_redeem_invite
from .reasons import check_reason

CODE_LENGTH = 12
CODE_GROUP = 4
MAX_CODES_PER_PUPIL = 4

BAD_CODE_OR_DATE = _(
    "The code or the date of birth is not right. Please check both and try again."
)
CODE_EXPIRED = _(
    "This code has expired. Please ask the school office for a new letter with a new code."
)
CODE_USED = _("This code has already been used. Each code works once.")
CODE_REVOKED = _(
    "This code has been cancelled by the school office. Please ask them for a new one."
)
PUPIL_NOT_CURRENT = _("This code can no longer be used. Please contact the school office.")
TOO_MANY_TRIES = ngettext_lazy(
    "Too many tries. Please wait %(minutes)s minute or contact the school office on %(phone)s.",
    "Too many tries. Please wait %(minutes)s minutes or contact the school office on %(phone)s.",
    "minutes",
)
TOO_MANY_TRIES_NO_PHONE = ngettext_lazy(
    "Too many tries. Please wait %(minutes)s minute or contact the school office.",
    "Too many tries. Please wait %(minutes)s minutes or contact the school office.",
    "minutes",
)
ALREADY_LINKED = _("You are already linked to this child.")
ALREADY_REQUESTED = _(
    "You have already asked to be linked to this child. The school office will decide."
)
EMAIL_EXISTS = _("An account with this email exists: please sign in first.")
PUPILS_NOT_CURRENT = _(
    "No codes were made. These pupils are not in a class now (they have left, or have no "
    "class yet): %(names)s."
)
BAD_CODES_PER_PUPIL = _("Make between 1 and %(most)s codes for each pupil.")
NO_PUPILS = _("Choose at least one pupil.")
ALREADY_DECIDED = _("The office has already decided this request.")
CANNOT_REVOKE_USED = _("This code has already been used, so it cannot be cancelled.")
ALREADY_REVOKED = _("This code has already been cancelled.")

INVITE_LIMIT = FailureLimit(
    scope="invite",
    limit=settings.INVITE_MAX_FAILURES,
    window=settings.INVITE_FAILURE_WINDOW,
)


@dataclass(frozen=True)
class RedeemResult:
    """What a redemption did: linked the parent (``link``) or asked the office (``request``)."""

    parent: User
    pupil: Pupil
    link: ParentLink | None = None
    request: ExtraParentRequest | None = None

    @property
    def linked(self) -> bool:
        return self.link is not None


def normalise_code(code: str) -> str:
    """What the parent typed, upper-cased, without spaces and hyphens."""
    return "".join(code.split()).replace("-", "").upper()


def format_code(code: str) -> str:
    """``ABCDEFGHJKLM`` → ``ABCD-EFGH-JKLM``: groups of four are easier to read out and type."""
    code = normalise_code(code)
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


def is_well_formed(code: str) -> bool:
    """True when ``code`` (normalised) could be a code: 12 characters of the alphabet."""
    code = normalise_code(code)
    return len(code) == CODE_LENGTH and all(char in TYPEABLE_ALPHABET for char in code)


def hash_code(code: str) -> str:
    """The stored form: HMAC-SHA256 of the normalised code, keyed with ``SECRET_KEY``."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, normalise_code(code).encode(), hashlib.sha256).hexdigest()


def new_code() -> str:
    """A fresh code (normalised): 12 × log2(32) = 60 bits from the system's secure source."""
    return "".join(secrets.choice(TYPEABLE_ALPHABET) for _ in range(CODE_LENGTH))


def pupil_is_current(pupil: Pupil) -> bool:
    """True when the pupil is in a class now: codes and letters are only for them."""
    return pupil.leaving_date is None and pupil.school_class_id is not None


@transaction.atomic
def invite_codes_create(
    *, acting_user: User, pupils: Iterable[Pupil], per_pupil: int = 2
) -> list[tuple[InviteCode, str]]:
    """Make ``per_pupil`` new codes for each pupil (office and leaders only, R1).

    Returns each new InviteCode with its plaintext code: this is the only time the code
    exists, so the caller prints it at once. Refuses the whole batch, naming them, when any
    pupil is not in a class now (left, or not placed yet).
    """
    if not can_manage_accounts(acting_user):
        raise PermissionDenied
    pupils = list(pupils)
    if not pupils:
        raise ValidationError(NO_PUPILS)
    if not 1 <= per_pupil <= MAX_CODES_PER_PUPIL:
        raise ValidationError(BAD_CODES_PER_PUPIL, params={"most": MAX_CODES_PER_PUPIL})
    not_current = [str(pupil) for pupil in pupils if not pupil_is_current(pupil)]
    if not_current:
        raise ValidationError(PUPILS_NOT_CURRENT, params={"names": ", ".join(not_current)})
    now = timezone.now()
    expires_at = now + timedelta(days=settings.INVITE_CODE_VALID_DAYS)
    made: list[tuple[InviteCode, str]] = []
    for pupil in pupils:
        for _n in range(per_pupil):
            code = new_code()
            invite = InviteCode(
                pupil=pupil,
                code_hash=hash_code(code),
                created_by=acting_user,
                created_at=now,
                expires_at=expires_at,
            )
            # The foreign keys are rows just read and the hash is 60 random bits under a
            # unique constraint: skipping their per-row checks keeps a whole class to one
            # INSERT, whatever its size.
            invite.full_clean(exclude=["pupil", "created_by", "used_by"], validate_unique=False)
            made.append((invite, format_code(code)))
    InviteCode.objects.bulk_create([invite for invite, _code in made])
    audit_record_many(
        AuditAction.INVITE_CREATED,
        actor=acting_user,
        subjects=[invite for invite, _code in made],
        details_of=lambda invite: {"pupil": invite.pupil_id},
    )
    return made


def _too_many_tries() -> ValidationError:
    minutes = int(settings.INVITE_FAILURE_WINDOW.total_seconds() // 60)
    phone = school_get().office_phone
    if phone:
        return ValidationError(TOO_MANY_TRIES, params={"minutes": minutes, "phone": phone})
    return ValidationError(TOO_MANY_TRIES_NO_PHONE, params={"minutes": minutes})


def _idents(*, account: str, ip: str, code: str) -> tuple[str, ...]:
    return (f"account:{account}", f"ip:{ip}" if ip else "", f"code:{hash_code(code)}")


def _checked_invite(
    *, code: str, date_of_birth: date, idents: tuple[str, ...], lock: bool
) -> InviteCode:
    """The invite that ``code`` and ``date_of_birth`` open, or a ValidationError.

    An unknown code and a wrong date of birth get the same message and count as failures, so
    a code seen by the wrong person tells them nothing. Expired, used and cancelled codes are
    told apart only once the date of birth matches too.
    """
    if INVITE_LIMIT.is_blocked(*idents):
        raise _too_many_tries()
    invites = InviteCode.objects.select_related("pupil")
    if lock:
        invites = invites.select_for_update(of=("self",))
    invite = invites.filter(code_hash=hash_code(code)).first() if is_well_formed(code) else None
    if invite is None or invite.pupil.date_of_birth != date_of_birth:
        INVITE_LIMIT.record_failure(*idents)
        raise ValidationError(BAD_CODE_OR_DATE, code="bad_code")
    if invite.revoked_at is not None:
        raise ValidationError(CODE_REVOKED, code="revoked")
    if invite.used_at is not None:
        raise ValidationError(CODE_USED, code="used")
    if invite.expires_at <= timezone.now():
        raise ValidationError(CODE_EXPIRED, code="expired")
    if not pupil_is_current(invite.pupil):
        raise ValidationError(PUPIL_NOT_CURRENT, code="pupil_not_current")
    return invite


def invite_check(*, code: str, date_of_birth: date, ip: str, email: str) -> InviteCode:
    """Check a code and date of birth for a new parent before any account exists.

    Counts a failure against ``email`` (the account they are making), ``ip`` and the code.
    Writes nothing to the database; :func:`parent_join` checks again inside its transaction.
    """
    idents = _idents(account=email.strip().lower(), ip=ip, code=code)
    return _checked_invite(code=code, date_of_birth=date_of_birth, idents=idents, lock=False)


def _link_or_request(*, parent: User, invite: InviteCode) -> RedeemResult:
    """Use up ``invite`` for ``parent``: a link, or a request when the child has two (R3)."""
    # The pupil's row is the lock that serialises redemptions for one child, so two at once
    # cannot both see one link and both add a second and third.
    pupil = Pupil.objects.select_for_update().get(pk=invite.pupil_id)
    if ParentLink.objects.filter(parent=parent, pupil=pupil).exists():
        raise ValidationError(ALREADY_LINKED, code="already_linked")
    pending = ExtraParentRequest.objects.filter(
        parent=parent, pupil=pupil, status=ExtraParentRequest.Status.PENDING
    )
    if pending.exists():
        raise ValidationError(ALREADY_REQUESTED, code="already_requested")
    has_room = ParentLink.objects.filter(pupil=pupil).count() < settings.MAX_PARENTS_PER_PUPIL
    invite.used_at, invite.used_by = timezone.now(), parent
    invite.full_clean()
    invite.save(update_fields=["used_at", "used_by"])
    if has_room:
        link = ParentLink(parent=parent, pupil=pupil)
        link.full_clean()
        link.save()
        audit_record(
            AuditAction.LINK_CREATED,
            actor=parent,
            subject=link,
            details={"pupil": pupil.pk, "invite": invite.pk},
        )
        _translate_what_they_now_see(parent)
        return RedeemResult(parent=parent, pupil=pupil, link=link)
    request = ExtraParentRequest(parent=parent, pupil=pupil, invite=invite)
    request.full_clean()
    request.save()
    return RedeemResult(parent=parent, pupil=pupil, request=request)


def _translate_what_they_now_see(parent: User) -> None:
    """A parent linked to a child sees the posts of the child's class and story, written
    before they joined: after the commit the worker translates those not yet in the parent's
    language (R34). Nothing to do for a parent who reads English, the school's language."""
    language = (parent.preferred_language or "").split("-")[0].lower()
    if language and language != settings.LANGUAGE_CODE.split("-")[0].lower():
        # Recorded first: with the broker down, beat's sweep hands the backfill out later.
        User.objects.filter(pk=parent.pk).update(translations_due_at=timezone.now())
        enqueue_on_commit("stories.tasks.backfill_translations", parent.pk)


def invite_redeem(*, parent: User, code: str, date_of_birth: date, ip: str) -> RedeemResult:
    """A signed-in parent redeems ``code`` for the child born on ``date_of_birth`` (R2, R3).

    Links the parent to the child, or, when the child already has two parents or carers,
    records a pending ExtraParentRequest for the office. Either way the code is used up.
    Raises ValidationError (with this module's messages) and changes nothing when the code,
    the date, the limit or an existing link says no; PermissionDenied for anyone but a parent.
    """
    if not (parent.is_authenticated and can_redeem_invite(parent)):
        raise PermissionDenied
    idents = _idents(account=f"user:{parent.pk}", ip=ip, code=code)
    # Checked first outside the transaction, so that a failure counts even where the counts
    # live in the database (the cache's stand-in) and the transaction is rolled back.
    _checked_invite(code=code, date_of_birth=date_of_birth, idents=idents, lock=False)
    return _redeem(parent=parent, code=code, date_of_birth=date_of_birth, idents=idents)


@transaction.atomic
def _redeem(
    *, parent: User, code: str, date_of_birth: date, idents: tuple[str, ...]
) -> RedeemResult:
    invite = _checked_invite(code=code, date_of_birth=date_of_birth, idents=idents, lock=True)
    return _link_or_request(parent=parent, invite=invite)


def _email_taken(email: str) -> bool:
    return (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )


def parent_join(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    preferred_language: str,
    code: str,
    date_of_birth: date,
    ip: str,
) -> RedeemResult:
    """A new parent makes their account and redeems ``code``, all in one transaction.

    The code and date of birth are checked first (counting failures against ``email``), then
    the email must be new (else ``EMAIL_EXISTS`` on the field ``email``), the password must
    pass Django's validators, and the account, its allauth EmailAddress (unverified) and the
    link or request are written together: if any step fails, nothing is kept.
    """
    email = email.strip().lower()
    idents = _idents(account=email, ip=ip, code=code)
    # As in invite_redeem: a failure is counted outside the transaction that would roll back.
    _checked_invite(code=code, date_of_birth=date_of_birth, idents=idents, lock=False)
    return _join(
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        preferred_language=preferred_language,
        code=code,
        date_of_birth=date_of_birth,
        idents=idents,
    )


@transaction.atomic
def _join(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    preferred_language: str,
    code: str,
    date_of_birth: date,
    idents: tuple[str, ...],
) -> RedeemResult:
    invite = _checked_invite(code=code, date_of_birth=date_of_birth, idents=idents, lock=True)
    if _email_taken(email):
        raise ValidationError({"email": ValidationError(EMAIL_EXISTS, code="email_exists")})
    candidate = User(email=email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        raise ValidationError({"password1": error.error_list}) from error
    parent = User.objects.create_user(
        email=email,
        password=password,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        preferred_language=preferred_language,
        role=Role.PARENT,
    )
    address = EmailAddress(user=parent, email=parent.email, primary=True, verified=False)
    address.full_clean()
    address.save()
    return _link_or_request(parent=parent, invite=invite)


@transaction.atomic
def extra_parent_request_decide(
    *, acting_user: User, request: ExtraParentRequest, approve: bool, reason: str = ""
) -> ExtraParentRequest:
    """The office approves (links the parent, even beyond two: special circumstances) or
    refuses a pending request (R3), with ``reason`` (at most ``REASON_MAX_LENGTH``
    characters) kept on the request and in the audit log. A request is decided once: the
    decision is a conditional UPDATE of a pending row, so of two office staff deciding at
    once, one decides and the other is told ``ALREADY_DECIDED``, with nothing changed."""
    if not can_manage_accounts(acting_user):
        raise PermissionDenied
    reason = check_reason(reason)
    status = ExtraParentRequest.Status.APPROVED if approve else ExtraParentRequest.Status.REFUSED
    decided = ExtraParentRequest.objects.filter(
        pk=request.pk, status=ExtraParentRequest.Status.PENDING
    ).update(
        status=status, decided_by=acting_user, decided_at=timezone.now(), decision_reason=reason
    )
    if not decided:
        raise ValidationError(ALREADY_DECIDED, code="already_decided")
    request = ExtraParentRequest.objects.select_related("parent").get(pk=request.pk)
    details = {"pupil": request.pupil_id, "parent": request.parent_id, "reason": reason}
    audit_record(
        AuditAction.EXTRA_REQUEST_APPROVED if approve else AuditAction.EXTRA_REQUEST_REFUSED,
        actor=acting_user,
        subject=request,
        details=details,
    )
    already = ParentLink.objects.filter(parent_id=request.parent_id, pupil_id=request.pupil_id)
    if approve and not already.exists():
        link = ParentLink(parent_id=request.parent_id, pupil_id=request.pupil_id)
        link.full_clean()
        link.save()
        audit_record(
            AuditAction.LINK_CREATED,
            actor=acting_user,
            subject=link,
            details={**details, "request": request.pk},
        )
        _translate_what_they_now_see(request.parent)
    return request


@transaction.atomic
def invite_revoke(*, acting_user: User, invite: InviteCode) -> InviteCode:
    """Cancel an unused code (office and leaders): it can never be redeemed afterwards."""
    if not can_manage_accounts(acting_user):
        raise PermissionDenied
    invite = InviteCode.objects.select_for_update().get(pk=invite.pk)
    if invite.used_at is not None:
        raise ValidationError(CANNOT_REVOKE_USED)
    if invite.revoked_at is not None:
        raise ValidationError(ALREADY_REVOKED)
    invite.revoked_at = timezone.now()
    invite.full_clean()
    invite.save(update_fields=["revoked_at"])
    audit_record(
        AuditAction.INVITE_REVOKED,
        actor=acting_user,
        subject=invite,
        details={"pupil": invite.pupil_id},
    )
    return invite
