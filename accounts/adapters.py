from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core.exceptions import ImmediateHttpResponse
from django.core.mail import EmailMessage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from core.bidi import plain_text_directed, subject_directed
from core.ratelimit import client_ip

from .models import Role
from .services.tablets import TABLET_COOKIE
from .sign_in_limits import sign_in_failed, sign_in_refusal, sign_in_succeeded


class PortalAccountAdapter(DefaultAccountAdapter):
    """No open sign-up (R1): parents join with an invite code, staff are created by the office.

    Sign-in's wrong passwords are limited softly (``accounts.sign_in_limits``), per client
    address as the portal sees it (``TRUST_X_REAL_IP`` behind nginx), for allauth's own limits
    too; a refusal is a 429 page that says when to try again. The admin signs in here as well.
    """

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        """On a classroom tablet, back to the class's monsters for the next child (the pupil
        sign-in checks the tablet again); anywhere else, the sign-in page."""
        if request.COOKIES.get(TABLET_COOKIE):
            return reverse("pupil_start")
        return str(super().get_logout_redirect_url(request))

    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request) or super().get_client_ip(request)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        refusal = sign_in_refusal(ip=self.get_client_ip(request), email=_email(credentials))
        if refusal is not None:
            response = render(
                request,
                "account/sign_in_paused.html",
                {"refusal": refusal.text()},
                status=429,
            )
            response["Retry-After"] = str(refusal.retry_after)
            raise ImmediateHttpResponse(response)
        super().pre_authenticate(request, **credentials)

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        user = super().authenticate(request, **credentials)
        if user is not None:
            sign_in_succeeded(ip=self.get_client_ip(request), email=_email(credentials))
        return user

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        sign_in_failed(ip=self.get_client_ip(request), email=_email(credentials))
        super().authentication_failed(request, **credentials)

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        """allauth's emails (a forgotten password), their subject and plain text laid out in
        the page's language's direction, as the portal's own emails are."""
        message = super().render_mail(template_prefix, email, context, headers)
        message.subject = subject_directed(message.subject)
        if message.content_subtype == "plain":
            message.body = plain_text_directed(message.body)
        return message

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """allauth asks for the password again before two-factor setup and other account
        changes unless the person re-authenticated within ``ACCOUNT_REAUTHENTICATION_TIMEOUT``;
        a sign-in within that time counts too, so the office member sent to set up two-factor
        straight after signing in is not asked for the password they have just typed."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        request = getattr(self, "request", None)
        if not required or request is None or not request.user.is_authenticated:
            return required
        return not signed_in_within_timeout(request)

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        if user.is_suspended:
            return render(request, "accounts/suspended.html", status=403)
        if user.role == Role.PUPIL:
            return render(request, "accounts/pupil_use_picture_code.html", status=403)
        return super().pre_login(request, user, **kwargs)


def signed_in_within_timeout(request: HttpRequest) -> bool:
    """True when the session's last sign-in or re-authentication (by a method that
    re-authentication accepts) is younger than ``ACCOUNT_REAUTHENTICATION_TIMEOUT``."""
    records = [
        record
        for record in get_authentication_records(request, request.user)
        if record.get("method") in account_settings.REAUTHENTICATION_METHODS
    ]
    if not records:
        return False
    return time.time() - float(records[-1]["at"]) < account_settings.REAUTHENTICATION_TIMEOUT


def _email(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")
