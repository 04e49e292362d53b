"""The join page's forms: an invite code and the child's date of birth, and for a new parent
their account too (R2). The service checks the code; these forms check what was typed."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..models import User
from ..services.invites import is_well_formed, normalise_code

CODE_REQUIRED = _("Enter the code from the letter.")
CODE_FORMAT = _("The code has 12 letters and numbers, like ABCD-EFGH-JKLM.")
DOB_REQUIRED = _("Enter your child’s date of birth, for example 27 3 2019.")
DOB_INVALID = _("Enter a real date of birth, for example 27 3 2019.")
DOB_IN_FUTURE = _("The date of birth must be in the past.")
NAME_REQUIRED = _("Enter your first name.")
SURNAME_REQUIRED = _("Enter your last name.")
EMAIL_REQUIRED = _("Enter your email address.")
EMAIL_INVALID = _("Enter an email address like name@example.com.")
PASSWORD_REQUIRED = _("Choose a password.")
PASSWORD_AGAIN_REQUIRED = _("Type the password again.")
PASSWORDS_DIFFER = _("The two passwords are not the same.")
TOO_LONG = _("This is too long: use at most %(limit_value)d characters.")

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DOB_FIELDS = ("dob_day", "dob_month", "dob_year")


def _number_input(digits: int) -> forms.TextInput:
    return forms.TextInput(
        attrs={
            "inputmode": "numeric",
            "pattern": "[0-9]*",
            "maxlength": str(digits),
            "autocomplete": "off",
            "class": f"date-part date-part-{digits}",
        }
    )


def _text(
    label: StrOrPromise, required_message: StrOrPromise, max_length: int, **attrs: str
) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        error_messages={"required": required_message, "max_length": TOO_LONG},
        widget=forms.TextInput(attrs=attrs),
    )


class InviteCodeForm(forms.Form):
    """A parent who is signed in: the code and the child's date of birth."""

    code = forms.CharField(
        label=_("Invite code"),
        help_text=_("12 letters and numbers, on the letter from school. Capitals not needed."),
        max_length=30,
        error_messages={"required": CODE_REQUIRED, "max_length": CODE_FORMAT},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "code-input",
            }
        ),
    )
    # No max_length here: any bad part gives one message for the whole date (see ``clean``).
    dob_day = forms.CharField(label=_("Day"), required=False, widget=_number_input(2))
    dob_month = forms.CharField(label=_("Month"), required=False, widget=_number_input(2))
    dob_year = forms.CharField(label=_("Year"), required=False, widget=_number_input(4))

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not is_well_formed(code):
            raise ValidationError(CODE_FORMAT)
        return code

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        parts = [str(cleaned.get(name) or "").strip() for name in DOB_FIELDS]
        if not all(parts):
            self.add_error("dob_day", DOB_REQUIRED)
            return cleaned
        if not all(part.isdigit() and len(part) <= 4 for part in parts):
            self.add_error("dob_day", DOB_INVALID)
            return cleaned
        try:
            day, month, year = (int(part) for part in parts)
            born = date(year, month, day)
        except ValueError:
            self.add_error("dob_day", DOB_INVALID)
            return cleaned
        if len(parts[2]) != 4 or born.year < 1900:
            self.add_error("dob_day", DOB_INVALID)
        elif born >= timezone.localdate():
            self.add_error("dob_day", DOB_IN_FUTURE)
        else:
            cleaned["date_of_birth"] = born
        return cleaned

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's refusal on its field when this form has that field, else on top."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, error)


class NewParentJoinForm(InviteCodeForm):
    """Someone not signed in: the code and date of birth, and the account they are making."""

    first_name = _text(_("Your first name"), NAME_REQUIRED, 150, autocomplete="given-name")
    last_name = _text(_("Your last name"), SURNAME_REQUIRED, 150, autocomplete="family-name")
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("You sign in with this. We send you a link to check it."),
        max_length=254,
        error_messages={
            "required": EMAIL_REQUIRED,
            "invalid": EMAIL_INVALID,
            "max_length": TOO_LONG,
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        max_length=128,
        strip=False,
        error_messages={"required": PASSWORD_REQUIRED, "max_length": TOO_LONG},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        max_length=128,
        strip=False,
        error_messages={"required": PASSWORD_AGAIN_REQUIRED, "max_length": TOO_LONG},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language for the portal"),
        help_text=_("Posts and messages can be shown in this language."),
        choices=settings.LANGUAGES,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = " ".join(password_validators_help_texts())
        codes = {code for code, _name in settings.LANGUAGES}
        current = get_language() or settings.LANGUAGE_CODE
        self.fields["preferred_language"].initial = (
            current if current in codes else settings.LANGUAGE_CODE
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", PASSWORDS_DIFFER)
        elif first:
            candidate = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                validate_password(first, user=candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def account_data(self) -> dict[str, Any]:
        """The cleaned fields, as ``accounts.services.invites.parent_join`` takes them."""
        data = self.cleaned_data
        return {
            "email": data["email"],
            "password": data["password1"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "preferred_language": data["preferred_language"],
            "code": data["code"],
            "date_of_birth": data["date_of_birth"],
        }
