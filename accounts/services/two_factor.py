"""A leader resets another person's second factor (a lost or replaced phone): their
authenticator app and recovery codes are removed, their open sessions end, and they set
two-factor sign-in up again at their next sign-in, before any page of the portal
(``accounts.middleware.TwoFactorMiddleware``). Recorded in the audit log with both names."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import AuditAction, audit_record

from ..models import User
from ..permissions.accounts import can_reset_two_factor

NOTHING_TO_RESET = _("%(name)s has no two-factor sign-in to reset.")
DB_SESSIONS = "django.contrib.sessions.backends.db"


@transaction.atomic
def two_factor_reset(*, acting_user: User, user: User) -> int:
    """Remove ``user``'s second factor and end their sessions; returns how many authenticators
    (the app, the recovery codes) were removed. ``PermissionDenied`` unless
    :func:`can_reset_two_factor`; ``NOTHING_TO_RESET`` when there is none (another leader has
    just reset it: two resets at once remove it once, and the log has one entry)."""
    if not can_reset_two_factor(acting_user, user):
        raise PermissionDenied
    user = User.objects.select_for_update().get(pk=user.pk)
    removed, _by_model = Authenticator.objects.filter(user=user).delete()
    if not removed:
        raise ValidationError(
            NOTHING_TO_RESET, code="nothing_to_reset", params={"name": user.display_name}
        )
    sessions_end(user)
    audit_record(
        AuditAction.TWO_FACTOR_RESET,
        actor=acting_user,
        subject=user,
        details={
            "reset_by": acting_user.display_name,
            "reset_for": user.display_name,
            "authenticators": removed,
        },
    )
    return removed


def sessions_end(user: User) -> int:
    """Sign ``user`` out everywhere (the database's sessions, the portal's default store): a
    session that passed the two-factor gate before the reset must not outlive it."""
    if settings.SESSION_ENGINE != DB_SESSIONS:
        return 0
    mine = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(pk__in=mine).delete()
    return len(mine)
