"""The emails that let a person choose their own password: the welcome email of a new account,
and the reset email the office sends from the admin (R1: nobody sets another's password).

Each holds a link to allauth's "set a new password" page (``account_reset_password_from_key``)
with allauth's own token, so the page that checks it is the one the portal's "forgot your
password" email leads to. The token ends when the password changes (it is made from the
password's hash and the account's addresses), and after ``PASSWORD_RESET_TIMEOUT``; after that
the person asks again from the sign-in page. The email is written in the holder's language.
Sent by the task ``accounts.tasks.send_password_email`` once the service's transaction commits.
"""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from classes.selectors import school_get
from core.bidi import plain_text_directed, subject_directed

from .models import ADULT_ROLES, User

WELCOME = "welcome"
RESET = "reset"
KINDS = frozenset({WELCOME, RESET})


def password_link(user: User) -> str:
    """An absolute link (``SITE_URL``) to choose ``user``'s password, valid once."""
    key = default_token_generator.make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
    )
    return f"{settings.SITE_URL}{path}"


def password_email_send(*, user_id: int, kind: str) -> bool:
    """Email the holder of account ``user_id`` their link (``kind``: ``WELCOME`` or ``RESET``).

    Returns False, sending nothing, when the account can no longer use it: deleted, switched
    off, a pupil's, or without an address.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown password email {kind!r}")
    user = User.objects.filter(pk=user_id, is_active=True, role__in=ADULT_ROLES).first()
    if user is None or not user.email:
        return False
    school = school_get()
    context = {
        "user": user,
        "school": school,
        "link": password_link(user),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        "sign_in": f"{settings.SITE_URL}{reverse('account_login')}",
    }
    with translation.override(user.preferred_language):
        subject = subject_directed(
            render_to_string(f"accounts/email/password_{kind}_subject.txt", context)
        )
        body = plain_text_directed(
            render_to_string(f"accounts/email/password_{kind}_body.txt", context)
        )
    reply_to = [school.office_email] if school.office_email else None
    message = EmailMessage(subject, body, to=[user.email], reply_to=reply_to)
    message.extra_headers["Content-Language"] = user.preferred_language
    message.send()
    return True
