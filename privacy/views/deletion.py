"""Deleting one's own account (R28): a page that says what goes and what stays, and asks for
the password again. For pupils (and anyone else who cannot delete their account here) the page
does not exist."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.http import AuthedRequest
from accounts.models import Role

from ..deletion import account_delete_own
from ..permissions.deletion import can_delete_own_account
from .notices import period_text

DELETED = _("Your account has been deleted. Thank you for using the school portal.")


class DeleteAccountForm(forms.Form):
    # Not required here: the service says what is missing, in the one message it also uses.
    password = forms.CharField(
        label=_("Your password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


@require_http_methods(["GET", "POST"])
def account_delete(request: AuthedRequest) -> HttpResponse:
    """GET: what deleting the account means. POST: delete it, sign out, and say so."""
    if not can_delete_own_account(request.user):
        raise Http404
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            account_delete_own(acting_user=request.user, password=form.cleaned_data["password"])
        except ValidationError as error:
            form.add_error("password", error)
        else:
            logout(request)
            flash.success(request, DELETED)
            return redirect("account_login")
    context = {
        "form": form,
        "is_parent": request.user.role == Role.PARENT,
        "message_period": period_text(int(settings.MESSAGE_RETENTION_DAYS)),
    }
    return render(request, "privacy/delete.html", context, status=400 if form.errors else 200)
