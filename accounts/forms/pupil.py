"""Forms for pupils' sign-in: the class code, and the picture keypad (which needs no script)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..pictures import CODE_LENGTH, PICTURES, PICTURES_BY_KEY

TYPE_CLASS_CODE = _("Type your class code.")
START_AGAIN = _("Something went wrong. Please start again.")
TAP_ALL_PICTURES = _("Tap all 5 of your pictures.")

ADD, CLEAR, SIGN_IN = "add", "clear", "sign_in"


class ClassCodeForm(forms.Form):
    class_code = forms.CharField(
        label=_("Class code"),
        max_length=20,
        error_messages={"required": TYPE_CLASS_CODE},
        widget=forms.TextInput(
            attrs={
                "class": "class-code-input",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "autocorrect": "off",
                "spellcheck": "false",
                "enterkeyhint": "go",
            }
        ),
    )


class PictureCodeForm(forms.Form):
    """One tap of the keypad: the pictures so far (hidden), and the picture or button tapped.

    Without JavaScript each picture is a submit button, so every tap comes back here with the
    sequence so far; with JavaScript the sequence is filled in the page and sent whole.
    """

    entered = forms.CharField(required=False, widget=forms.HiddenInput)
    picture = forms.ChoiceField(
        required=False, choices=[(p.key, p.label) for p in PICTURES], widget=forms.HiddenInput
    )
    action = forms.ChoiceField(
        required=False,
        choices=[(ADD, ADD), (CLEAR, CLEAR), (SIGN_IN, SIGN_IN)],
        widget=forms.HiddenInput,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        keys = [key for key in (cleaned.get("entered") or "").split("-") if key]
        if len(keys) > CODE_LENGTH or any(key not in PICTURES_BY_KEY for key in keys):
            # Only a changed page sends this: shown above the keypad, which starts empty.
            raise forms.ValidationError(START_AGAIN)
        cleaned["entered"] = keys
        return cleaned

    def sequence(self) -> list[str]:
        """The pictures chosen after this tap (empty after “start again”); call when valid."""
        if self.cleaned_data.get("action") == CLEAR:
            return []
        keys: list[str] = list(self.cleaned_data["entered"])
        picture = self.cleaned_data.get("picture")
        if picture and len(keys) < CODE_LENGTH:
            keys.append(picture)
        return keys

    def wants_sign_in(self) -> bool:
        return self.cleaned_data.get("action") == SIGN_IN
