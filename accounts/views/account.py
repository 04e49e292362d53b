"""An adult's account page (R32, R28, R31): the portal's language, their children (for a parent),
notifications, password, two-factor sign-in, and downloading or deleting their data."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..forms.language import LanguageForm
from ..http import AuthedRequest
from ..languages import portal_languages
from ..middleware import interface_language
from ..models import ADULT_ROLES, Role
from ..permissions.accounts import has_two_factor, needs_two_factor, role_required
from ..selectors.people import children_of
from ..services.accounts import account_language_set


@role_required(*ADULT_ROLES)
@require_http_methods(["GET", "POST"])
def account_settings(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = LanguageForm(
        request.POST if request.method == "POST" else None,
        initial={"language": user.preferred_language},
    )
    if form.is_valid():
        try:
            account_language_set(
                acting_user=user, user=user, language=form.cleaned_data["language"]
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            # The next page, and the note on it, in the language just chosen.
            chosen = form.cleaned_data["language"]
            with translation.override(interface_language(chosen) or chosen):
                messages.success(request, _("Saved: the portal is now in the language you chose."))
            return redirect("account_settings")
    context = {
        "form": form,
        "languages": portal_languages(),
        "chosen": form["language"].value(),
        "children": children_of(user) if user.role == Role.PARENT else [],
        "two_factor_on": has_two_factor(user),
        "two_factor_required": needs_two_factor(user),
    }
    return render(request, "accounts/account_settings.html", context)
