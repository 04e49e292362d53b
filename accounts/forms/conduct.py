from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MUST_AGREE = _("Please tick the box to say you agree to the code of conduct.")


class ConductForm(forms.Form):
    conduct = forms.IntegerField(widget=forms.HiddenInput)
    agree = forms.BooleanField(
        label=_("I have read the code of conduct and agree to follow it."),
        error_messages={"required": MUST_AGREE},
    )
