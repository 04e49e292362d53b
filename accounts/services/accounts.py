"""Making parent and staff accounts, changing roles, and password emails (R1).

Who may give which role is one predicate, :func:`accounts.permissions.accounts.can_set_role`; each
function here checks it again, whoever calls it (the admin, a command, a test). No one sets
another person's password: a new account has none, and its holder chooses one from the email
these services send (:mod:`accounts.password_emails`, by the task ``send_password_email``).
Each change is in the audit log with the role its author held when they made it.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import AuditAction, audit_record
from core.queue import enqueue_on_commit

from ..languages import is_portal_language
from ..models import ADMIN_ROLES, User
from ..password_emails import RESET, WELCOME
from ..permissions.accounts import can_send_password_reset, can_set_language, can_set_role

EMAIL_TAKEN = _("An account with this email address exists already.")
UNKNOWN_LANGUAGE = _(
    "The portal is not available in this language. Choose one of the languages in the list."
)


def email_taken(email: str, *, exclude_pk: int | None = None) -> bool:
    """Whether ``email`` (any case) is an account's address or one of allauth's addresses."""
    users = User.objects.filter(email__iexact=email)
    addresses = EmailAddress.objects.filter(email__iexact=email)
    if exclude_pk is not None:
        users, addresses = users.exclude(pk=exclude_pk), addresses.exclude(user_id=exclude_pk)
    return users.exists() or addresses.exists()


def _admin_access(user: User) -> bool:
    """The admin is for office staff and leaders (and the school's superuser): ``is_staff``
    follows the role, so no one needs the flag set by hand."""
    return user.role in ADMIN_ROLES or user.is_superuser


@transaction.atomic
def account_create(
    *,
    acting_user: User,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    title: str = "",
    preferred_language: str = settings.LANGUAGE_CODE,
) -> User:
    """Make an account with ``role`` (one that ``acting_user`` may give) and no password.

    Once committed, its holder is emailed a link to choose their password, in their language.
    Raises ``PermissionDenied`` for a role the actor may not give, and ``ValidationError``
    (``EMAIL_TAKEN`` on ``email``, or the model's own checks) for bad details; nothing is kept
    then.
    """
    if not can_set_role(acting_user, None, role):
        raise PermissionDenied
    email = email.strip().lower()
    if email_taken(email):
        raise ValidationError({"email": ValidationError(EMAIL_TAKEN, code="email_taken")})
    user = User(
        email=email,
        role=role,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        title=title.strip(),
        preferred_language=preferred_language,
    )
    user.is_staff = _admin_access(user)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    address = EmailAddress(user=user, email=email, primary=True, verified=False)
    address.full_clean()
    address.save()
    audit_record(
        AuditAction.ACCOUNT_CREATED, actor=acting_user, subject=user, details={"role": role}
    )
    enqueue_on_commit("accounts.tasks.send_password_email", user.pk, WELCOME)
    return user


@transaction.atomic
def account_role_set(*, acting_user: User, user: User, role: str) -> User:
    """Give ``user`` the role ``role``; admin access (``is_staff``) follows it.

    Only for an account ``acting_user`` manages, and a role they may give
    (:func:`accounts.permissions.accounts.can_set_role`): never their own. Raises
    ``PermissionDenied`` otherwise. Giving the role the account has already changes and records
    nothing.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if not can_set_role(acting_user, user, role):
        raise PermissionDenied
    if user.role == role:
        return user
    before = user.role
    user.role = role
    user.is_staff = _admin_access(user)
    user.full_clean(exclude=["password"])
    user.save(update_fields=["role", "is_staff"])
    audit_record(
        AuditAction.ROLE_CHANGED,
        actor=acting_user,
        subject=user,
        details={"from": before, "to": role},
    )
    return user


@transaction.atomic
def account_password_email_send(*, acting_user: User, user: User) -> None:
    """Email ``user`` a link to choose a new password (the reset email, in their language).

    For an active adult account with an email address that ``acting_user`` manages
    (:func:`accounts.permissions.accounts.can_send_password_reset`), else ``PermissionDenied``. The
    password stays as it is until the holder chooses another from the email.
    """
    if not can_send_password_reset(acting_user, user):
        raise PermissionDenied
    audit_record(
        AuditAction.PASSWORD_EMAIL_SENT, actor=acting_user, subject=user, details={"kind": RESET}
    )
    enqueue_on_commit("accounts.tasks.send_password_email", user.pk, RESET)


@transaction.atomic
def account_language_set(*, acting_user: User, user: User, language: str) -> User:
    """Make ``language`` the portal's language for ``user``: their pages, emails, digests,
    pushes and printed letters follow it (R32).

    An adult sets their own; the office sets it for accounts it manages
    (:func:`accounts.permissions.can_set_language`), else ``PermissionDenied``. A code that is
    not one of the portal's languages is ``UNKNOWN_LANGUAGE`` on ``language`` and changes
    nothing. When the language changes, the posts the person can still see are translated into
    it by the worker once this commits (R34), not only the posts published from now on.
    """
    if not can_set_language(acting_user, user):
        raise PermissionDenied
    if not is_portal_language(language):
        raise ValidationError(
            {"language": ValidationError(UNKNOWN_LANGUAGE, code="unknown_language")}
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.preferred_language == language:
        return user
    user.preferred_language = language
    # Recorded with the change, so a backfill whose task is lost (the broker down) is not:
    # beat's sweep hands it out again (stories.services.translations).
    user.translations_due_at = timezone.now()
    user.save(update_fields=["preferred_language", "translations_due_at"])
    enqueue_on_commit("stories.tasks.backfill_translations", user.pk)
    return user
