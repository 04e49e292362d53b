""" "Reset two-factor sign-in": a leader's way to help a colleague who lost their phone. A button
on an account's page leads to a confirmation; only the POST from it resets
(``accounts.services.two_factor.two_factor_reset``), for accounts the leader manages, never
their own."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from ..http import signed_in_user
from ..permissions.accounts import can_reset_two_factor
from ..services.two_factor import two_factor_reset

RESET_DONE = _(
    "Two-factor sign-in is reset for %(name)s: they are signed out, and set it up again when "
    "they next sign in."
)


def two_factor_reset_view(modeladmin: Any, request: HttpRequest, id: str) -> HttpResponse:
    """GET: the confirmation; POST: the reset. 404 for an account the person may not see, 403
    for one they see but may not reset."""
    user = modeladmin.get_object(request, unquote(id))
    if user is None or not modeladmin.has_view_permission(request, user):
        raise Http404
    acting_user = signed_in_user(request)
    if not can_reset_two_factor(acting_user, user):
        raise PermissionDenied
    if request.method == "POST":
        try:
            two_factor_reset(acting_user=acting_user, user=user)
        except ValidationError as error:
            modeladmin.message_user(request, error.messages[0], messages.ERROR)
        else:
            modeladmin.message_user(request, RESET_DONE % {"name": user.display_name})
        return redirect("admin:accounts_user_change", user.pk)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Reset two-factor sign-in"),
        "original": user,
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, "admin/accounts/user/two_factor_reset.html", context)
