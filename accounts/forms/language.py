"""The language an adult chooses on their account page (R32)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..languages import OWN_NAMES
from ..services.accounts import UNKNOWN_LANGUAGE


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language for the portal"),
        help_text=_(
            "Pages, emails and notifications come in this language, and posts and messages "
            "are translated into it."
        ),
        # Each language by its own name: the template marks each with its ``lang``.
        choices=[(code, OWN_NAMES.get(code, str(name))) for code, name in settings.LANGUAGES],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": UNKNOWN_LANGUAGE, "required": UNKNOWN_LANGUAGE},
    )

    def add_service_error(self, error: ValidationError) -> None:
        self.add_error(None, error)
