"""The data-processing consent page (R4): a parent reads the school's current form and agrees
for each linked child; until every child is done, the gate in ``consent.middleware`` shows
them only this page."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.http import AuthedRequest
from accounts.models import Role
from accounts.permissions.accounts import role_required

from ..models import DataProcessingForm
from ..selectors.data_processing import ChildAgreement, dp_children, dp_form_current
from ..services.data_processing import FORM_OUTDATED, NO_CHILD_CHOSEN, dp_agree

NOT_YOUR_CHILD = _("You can agree only for your own children.")
AGREED = _("Thank you. Your agreement has been recorded.")


class AgreementForm(forms.Form):
    """Which children the parent agrees for, and the version of the form they read."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": FORM_OUTDATED, "invalid": FORM_OUTDATED},
    )
    children = forms.TypedMultipleChoiceField(
        coerce=int,
        error_messages={"required": NO_CHILD_CHOSEN, "invalid_choice": NOT_YOUR_CHILD},
    )

    def __init__(self, *args: Any, children: list[ChildAgreement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every current child is a valid choice: ticking one already done (in another tab)
        # changes nothing, and a child who is not theirs is refused with a clear message.
        cast(forms.ChoiceField, self.fields["children"]).choices = [
            (c.pupil.pk, str(c.pupil.pk)) for c in children
        ]

    def clean_version(self) -> DataProcessingForm:
        """The version the parent read; the service refuses it if it is no longer current."""
        read = DataProcessingForm.objects.filter(version=self.cleaned_data["version"]).first()
        if read is None:
            raise ValidationError(FORM_OUTDATED)
        return read


@require_http_methods(["GET", "POST"])
@role_required(Role.PARENT)
def dp_consent(request: AuthedRequest) -> HttpResponse:
    """The current form, a tick box per child still to agree for, and the children done."""
    current = dp_form_current()
    if current is None:
        return redirect("home")
    children = dp_children(request.user, current)
    form = AgreementForm(request.POST or None, children=children)
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["children"])
        try:
            dp_agree(
                acting_user=request.user,
                pupils=[c.pupil for c in children if c.pupil.pk in chosen],
                form=form.cleaned_data["version"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("dp_consent")
        messages.success(request, AGREED)
        return redirect("home")
    context = {
        "dp_form": current,
        "form": form,
        "pending": [c for c in children if c.agreed_at is None],
        "done": [c for c in children if c.agreed_at is not None],
    }
    return render(request, "consent/data_processing.html", context)
