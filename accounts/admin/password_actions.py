""" "Send a password-reset email": the admin's way to help someone who cannot sign in, since no
one sets another person's password (R1). A button on an account's page and a bulk action, both
for the accounts the person at the keyboard manages; the email goes to the holder, in their
language (``accounts.services.accounts.account_password_email_send``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..http import signed_in_user
from ..models import User
from ..permissions.accounts import can_send_password_reset
from ..services.accounts import account_password_email_send
from .managed import accounts_managed

EMAIL_SENT = _("A password-reset email is on its way to %(email)s.")
CANNOT_EMAIL = _(
    "%(who)s: no email was sent. The account is switched off or has no email address."
)


@admin.action(description=_("Send a password-reset email to the selected accounts"))
def send_password_email(
    modeladmin: admin.ModelAdmin[User], request: HttpRequest, queryset: QuerySet[User]
) -> None:
    acting_user = signed_in_user(request)
    done = 0
    for user in accounts_managed(modeladmin, request, queryset):
        if not can_send_password_reset(acting_user, user):
            modeladmin.message_user(request, CANNOT_EMAIL % {"who": user}, messages.WARNING)
            continue
        account_password_email_send(acting_user=acting_user, user=user)
        done += 1
    modeladmin.message_user(
        request,
        ngettext(
            "%d password-reset email is on its way.",
            "%d password-reset emails are on their way.",
            done,
        )
        % done,
    )


def password_email_view(modeladmin: Any, request: HttpRequest, id: str) -> HttpResponse:
    """The change page's button (POST only): 404 for an account the person may not see, 403
    for one they see but may not manage."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = modeladmin.get_object(request, unquote(id))
    if user is None or not modeladmin.has_view_permission(request, user):
        raise Http404
    acting_user = signed_in_user(request)
    if not can_send_password_reset(acting_user, user):
        raise PermissionDenied
    account_password_email_send(acting_user=acting_user, user=user)
    modeladmin.message_user(request, EMAIL_SENT % {"email": user.email})
    return redirect("admin:accounts_user_change", user.pk)
