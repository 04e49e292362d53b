"""The join pages: a parent types the code from the letter and their child's date of birth (R2).

Someone not signed in makes their account on the same page; a signed-in parent adds a child.
Staff and pupils do not redeem codes: the form is not for them, and a POST from them is a 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account import app_settings as allauth_settings
from allauth.account.utils import perform_login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.ratelimit import client_ip

from ..forms.join import InviteCodeForm, NewParentJoinForm
from ..http import AuthedRequest
from ..models import Role, User
from ..permissions.accounts import can_redeem_invite, role_required
from ..selectors.invites import join_outcome_pupil
from ..services.invites import (
    RedeemResult,
    format_code,
    invite_redeem,
    is_well_formed,
    parent_join,
)

# The session remembers what the last redemption did, for the done page after the redirect.
OUTCOME_KEY = "join_outcome"


def _code_from_link(request: HttpRequest) -> str:
    """The code in ``?code=`` (from the QR code on the letter), when it looks like a code."""
    code = request.GET.get("code", "")[:30]
    return format_code(code) if is_well_formed(code) else ""


def _sign_in_url(code: str) -> str:
    back = reverse("join") + (f"?{urlencode({'code': code})}" if code else "")
    return f"{reverse('account_login')}?{urlencode({'next': back})}"


def _remember(request: HttpRequest, result: RedeemResult) -> None:
    request.session[OUTCOME_KEY] = {"pupil": result.pupil.pk, "linked": result.linked}


def _render(request: HttpRequest, form: InviteCodeForm, code: str) -> HttpResponse:
    # The language switcher comes back with the letter's code filled in.
    back = reverse("join") + (f"?{urlencode({'code': code})}" if code else "")
    context = {"form": form, "sign_in_url": _sign_in_url(code), "switcher_next": back}
    return render(request, "accounts/join.html", context)


def _join_signed_in(request: HttpRequest, parent: User) -> HttpResponse:
    code = _code_from_link(request)
    if request.method != "POST":
        return _render(request, InviteCodeForm(initial={"code": code}), code)
    form = InviteCodeForm(request.POST)
    if form.is_valid():
        try:
            result = invite_redeem(
                parent=parent,
                code=form.cleaned_data["code"],
                date_of_birth=form.cleaned_data["date_of_birth"],
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            _remember(request, result)
            return redirect("join_done")
    return _render(request, form, code)


def _join_new_parent(request: HttpRequest) -> HttpResponse:
    code = _code_from_link(request)
    if request.method != "POST":
        return _render(request, NewParentJoinForm(initial={"code": code}), code)
    form = NewParentJoinForm(request.POST)
    if form.is_valid():
        try:
            result = parent_join(**form.account_data(), ip=client_ip(request))
        except ValidationError as error:
            form.add_service_error(error)
        else:
            _remember(request, result)
            # allauth signs the new parent in and, in "optional" mode, sends the link that
            # verifies their email address.
            return perform_login(
                request,
                result.parent,
                email_verification=allauth_settings.EMAIL_VERIFICATION,
                redirect_url=reverse("join_done"),
                signup=True,
                email=result.parent.email,
            )
    return _render(request, form, code)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """Redeem an invite code: a new parent's account and link, or a signed-in parent's link."""
    if not can_redeem_invite(request.user):
        # Staff who follow a letter's link are told codes are for parents; to a pupil, and to
        # any POST but a parent's, the page does not exist.
        if request.method == "POST" or getattr(request.user, "role", None) == Role.PUPIL:
            raise Http404
        return render(request, "accounts/join_not_parent.html")
    user = request.user
    if user.is_authenticated:
        return _join_signed_in(request, user)
    return _join_new_parent(request)


@never_cache
@require_GET
@role_required(Role.PARENT)
def join_done(request: AuthedRequest) -> HttpResponse:
    """What the last redemption did: linked to the child, or waiting for the office (R3)."""
    outcome = request.session.get(OUTCOME_KEY)
    if not isinstance(outcome, dict):
        return redirect("home")
    linked = bool(outcome.get("linked"))
    pupil = join_outcome_pupil(
        parent=request.user, pupil_id=int(outcome.get("pupil", 0)), linked=linked
    )
    if pupil is None:
        return redirect("home")
    template = "accounts/join_done.html" if linked else "accounts/join_requested.html"
    return render(request, template, {"pupil": pupil})
