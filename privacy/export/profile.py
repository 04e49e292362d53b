"""The person's own account: who they are to the portal, how they sign in (never a secret),
the code of conduct they accepted, and any suspension or formal warning (R4, R5, R23)."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.utils.translation import gettext_lazy as _

from accounts.models import ConductAcceptance, Suspension
from messaging.models import ParentWarning

from .base import Area, Part, Subject


def _account(subject: Subject) -> dict[str, Any]:
    user = subject.user
    return {
        "email": user.email,
        "title": user.title,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "shown_to_others_as": user.display_name,
        "role": user.get_role_display(),
        "preferred_language": user.preferred_language,
        "joined": user.date_joined,
        "last_signed_in": user.last_login,
        "active": user.is_active,
        "suspended": user.is_suspended,
    }


def _sign_in(subject: Subject) -> dict[str, Any]:
    """Email addresses and two-factor methods: what and when, never a secret or a code."""
    emails = EmailAddress.objects.filter(user=subject.user).order_by("pk")
    methods = Authenticator.objects.filter(user=subject.user).order_by("pk")
    return {
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary} for e in emails
        ],
        "two_factor_methods": [
            {
                "type": m.get_type_display(),
                "added": m.created_at,
                "last_used": m.last_used_at,
            }
            for m in methods
        ],
    }


def _conduct(subject: Subject) -> list[dict[str, Any]]:
    acceptances = (
        ConductAcceptance.objects.filter(user=subject.user)
        .select_related("conduct")
        .order_by("accepted_at")
    )
    return [
        {
            "title": a.conduct.title,
            "version": a.conduct.version,
            "for": a.conduct.get_audience_display(),
            "accepted": a.accepted_at,
        }
        for a in acceptances
    ]


def _suspensions(subject: Subject) -> list[dict[str, Any]]:
    rows = Suspension.objects.filter(user=subject.user).order_by("suspended_at")
    return [{"suspended": s.suspended_at, "reason": s.reason, "lifted": s.lifted_at} for s in rows]


def _warnings(subject: Subject) -> list[dict[str, Any]]:
    rows = ParentWarning.objects.filter(parent=subject.user).order_by("given_at")
    return [{"given": w.given_at, "reason": w.reason} for w in rows]


def build(subject: Subject) -> Part:
    return Part(
        {
            "account": _account(subject),
            **_sign_in(subject),
            "code_of_conduct_accepted": _conduct(subject),
            "suspensions": _suspensions(subject),
            "formal_warnings": _warnings(subject),
        }
    )


AREA = Area(
    filename="profile.json",
    description=_(
        "Your account: name, email, role and language; your email addresses and two-factor "
        "sign-in methods (never their secrets); the codes of conduct you accepted; any "
        "suspension or formal warning."
    ),
    covers={
        "accounts.User": "account",
        "account.EmailAddress": "email_addresses",
        "mfa.Authenticator": "two_factor_methods",
        "accounts.ConductAcceptance": "code_of_conduct_accepted",
        "accounts.Suspension": "suspensions",
        "messaging.ParentWarning": "formal_warnings",
    },
    build=build,
)
