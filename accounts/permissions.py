"""Who may do what with people and accounts: one predicate per action, and the role gate."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponseBase

from .models import ADMIN_ROLES, Role, User


def has_role(user: Any, *roles: str) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in roles)


def can_manage_accounts(user: Any) -> bool:
    """Office staff and leaders create pupils, staff and invite codes (R1)."""
    return has_role(user, *ADMIN_ROLES)


def can_decide_suspensions(user: Any) -> bool:
    """Leaders decide suspensions; the office records them on a leader's word (R23, R5)."""
    return has_role(user, *ADMIN_ROLES)


def can_redeem_invite(user: Any) -> bool:
    """Anyone not signed in (a new parent) or a signed-in parent may redeem an invite code."""
    return not user.is_authenticated or has_role(user, Role.PARENT)


def can_use_admin(user: User | AnonymousUser) -> bool:
    """The Django admin is for office staff and leaders who have two-factor authentication on."""
    from allauth.mfa.models import Authenticator

    return (
        can_manage_accounts(user)
        and user.is_staff
        and Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    )


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
