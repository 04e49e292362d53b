"""Who may do what with people and accounts: one predicate per action, and the role gate."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponseBase

from classes.selectors import school_get

from ..models import ADMIN_ROLES, ADULT_ROLES, Role, User

# Whose accounts each role keeps (R1). The office keeps the school's families and classroom
# staff; only a leader makes or changes an office or leader account, so the office can never
# raise anyone (itself included) to a role that may manage the office. Pupils' sign-in accounts
# belong to their pupil record (the picture-code service makes them): no one gives or changes
# the pupil role here, and a pupil's record is kept on the pupil's own admin page.
ROLES_MANAGED_BY: dict[str, frozenset[str]] = {
    Role.OFFICE: frozenset({Role.PARENT, Role.TEACHER, Role.SUPPORT}),
    Role.LEADER: ADULT_ROLES,
}


def has_role(user: Any, *roles: str) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in roles)


def _is_superuser(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def roles_managed_by(actor: Any) -> frozenset[str]:
    """The roles of the accounts ``actor`` may make and change, and may give: every adult role
    for a superuser, ``ROLES_MANAGED_BY`` for the office and leaders, none for anyone else."""
    if _is_superuser(actor):
        return ADULT_ROLES
    if not has_role(actor, *ADMIN_ROLES):
        return frozenset()
    return ROLES_MANAGED_BY[actor.role]


def can_manage_account(actor: Any, target: User) -> bool:
    """May ``actor`` change ``target``'s account (details, role, active flag, suspension,
    deletion) or send its holder a password-reset email?

    Never their own: a person changes their details on their account page, and no one gives
    themselves a role, a flag or a sign-in (the issue of an office that made itself a leader).
    A superuser's account is a superuser's to manage: whoever may change its email address
    could take it over with a reset email."""
    if not actor.is_authenticated or target.pk == actor.pk:
        return False
    if target.is_superuser and not _is_superuser(actor):
        return False
    return target.role in roles_managed_by(actor)


def can_set_language(actor: Any, target: User) -> bool:
    """May ``actor`` choose the portal's language for ``target`` (R32)? An adult chooses their
    own, on their account page; the office sets it for the accounts it manages (a parent who
    asks at the desk)."""
    if has_role(actor, *ADULT_ROLES) and target.pk == actor.pk:
        return True
    return can_manage_account(actor, target)


def can_set_role(actor: Any, target: User | None, new_role: str) -> bool:
    """May ``actor`` give ``new_role`` to ``target`` (None: a new account)? Only a role they
    manage, and only on an account they manage; never on their own (see
    :func:`can_manage_account`)."""
    if new_role not in roles_managed_by(actor):
        return False
    return target is None or can_manage_account(actor, target)


def grantable_roles(actor: Any, target: User | None) -> list[str]:
    """The roles ``actor`` may give ``target`` (None: a new account), in ``Role``'s order:
    what the admin's role menu offers."""
    return [role for role in Role.values if can_set_role(actor, target, role)]


def can_set_access(actor: Any, target: User | None) -> bool:
    """May ``actor`` set ``target``'s ``is_superuser``, ``is_staff``, groups and permissions
    (None: a new account)? A superuser only, and never on their own account. Everyone else
    gets the admin through their role alone (``accounts.backends.RoleBackend``)."""
    if not _is_superuser(actor):
        return False
    return target is None or can_manage_account(actor, target)


def can_send_password_reset(actor: Any, target: User) -> bool:
    """May ``actor`` send ``target`` a password-reset email? Only to an account they manage
    that can sign in with one: active, an adult's, with an email address. Nobody sets another
    person's password: they choose it from the email."""
    return bool(
        can_manage_account(actor, target)
        and target.is_active
        and target.role in ADULT_ROLES
        and target.email
    )


def can_manage_accounts(user: Any) -> bool:
    """Office staff and leaders create pupils, staff and invite codes (R1)."""
    return has_role(user, *ADMIN_ROLES)


def can_decide_suspensions(user: Any) -> bool:
    """Leaders decide suspensions; the office records them on a leader's word (R23, R5)."""
    return has_role(user, *ADMIN_ROLES)


def can_redeem_invite(user: Any) -> bool:
    """Anyone not signed in (a new parent) or a signed-in parent may redeem an invite code."""
    return not user.is_authenticated or has_role(user, Role.PARENT)


def has_two_factor(user: Any) -> bool:
    """Whether ``user`` has a second factor (an authenticator app's TOTP) set up; allauth then
    asks for its code at every sign-in. One query."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def needs_two_factor(user: Any) -> bool:
    """Must ``user`` have two-factor sign-in before any page of the portal? Office staff and
    leaders always (they can act on every family's records: the DfE's cyber security standards
    for schools ask for it of staff who handle personal data); teachers and support staff when
    the school requires it of all staff. Parents and pupils never (teachers and parents may
    turn it on themselves)."""
    if has_role(user, *ADMIN_ROLES):
        return True
    return has_role(user, Role.TEACHER, Role.SUPPORT) and school_get().staff_two_factor_required


def can_reset_two_factor(actor: Any, target: User) -> bool:
    """May ``actor`` remove ``target``'s second factor (a lost phone), so that they set it up
    again at their next sign-in? Leaders only, for an account they manage, never their own:
    a reset is how an account is taken over, so it is kept to the few who decide suspensions,
    recorded in the audit log, and nobody lifts their own second factor this way."""
    if not (has_role(actor, Role.LEADER) or _is_superuser(actor)):
        return False
    return can_manage_account(actor, target) and target.role in ADULT_ROLES


def can_use_admin(user: User | AnonymousUser) -> bool:
    """The Django admin is for office staff and leaders who have two-factor authentication on."""
    return can_manage_accounts(user) and user.is_staff and has_two_factor(user)


Response = TypeVar("Response", bound=HttpResponseBase)


def role_required(
    *roles: str,
) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """The view answers only these roles; to anyone else it does not exist (404)."""

    def decorator(view: Callable[..., Response]) -> Callable[..., Response]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
            if not has_role(request.user, *roles):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
