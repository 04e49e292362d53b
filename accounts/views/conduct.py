from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..forms.conduct import ConductForm
from ..http import AuthedRequest
from ..models import CodeOfConduct
from ..selectors.conduct import conduct_audience, conduct_current, conduct_pending_for
from ..services.conduct import conduct_accept


@require_http_methods(["GET", "POST"])
def conduct(request: AuthedRequest) -> HttpResponse:
    """The current code of conduct; accepting it lets the person use the portal (R4)."""
    audience = conduct_audience(request.user)
    current = conduct_current(audience) if audience else None
    if current is None:
        return redirect("home")
    form = ConductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = get_object_or_404(
            CodeOfConduct, pk=form.cleaned_data["conduct"], audience=audience
        )
        try:
            conduct_accept(acting_user=request.user, conduct=chosen)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("conduct")
        messages.success(request, _("Thank you. You have accepted the code of conduct."))
        return redirect("home")
    pending = conduct_pending_for(request.user)
    return render(
        request, "accounts/conduct.html", {"conduct": current, "form": form, "pending": pending}
    )
