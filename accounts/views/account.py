"""An adult's account page: the portal's language, and the ways to their other settings (R32)."""

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
from ..models import ADULT_ROLES
from ..permissions.accounts import role_required
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
    context = {"form": form, "languages": portal_languages(), "chosen": form["language"].value()}
    return render(request, "accounts/account_settings.html", context)
