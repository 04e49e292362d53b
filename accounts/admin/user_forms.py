"""The admin's forms for accounts: no password field anywhere (the holder chooses it from an
email), a role menu with only the roles the person at the keyboard may give, and a clear
refusal of anything a browser would not have sent (a forged role or access flag)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import User
from ..services.accounts import EMAIL_TAKEN, email_taken

ROLE_NOT_YOURS = _(
    "You may not give this role: the office manages parents, teachers and support staff, "
    "only a leader makes or changes office and leader accounts, and nobody changes their own."
)
ACCESS_NOT_YOURS = _(
    "Admin access, superuser status, groups and permissions are set by a superuser only, "
    "and never on their own account. Nothing was saved."
)
NO_PASSWORD_HERE = _(
    "There is no password to type: once the account is saved, its holder is emailed a link "
    "to choose their own."
)

# Set by a superuser only (accounts.permissions.accounts.can_set_access); everyone else has the
# admin through their role.
ACCESS_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")
# What the add form asks, and what accounts.services.accounts.account_create takes.
ADD_FIELDS = ("email", "title", "first_name", "last_name", "role", "preferred_language")


class _RefusesForgedFields(forms.ModelForm):
    """A field the form does not show but the request sends (an access flag, a password) was
    not typed into this page: the whole form is refused with ``ACCESS_NOT_YOURS``, rather than
    the value being dropped in silence."""

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        forged = [
            name
            for name in (*ACCESS_FIELDS, "password", "password1", "password2")
            if name in self.data and name not in self.fields
        ]
        if forged:
            raise ValidationError(ACCESS_NOT_YOURS, code="access_not_yours")
        return cleaned


class AccountChangeForm(_RefusesForgedFields):
    class Meta:
        model = User
        fields = (*ADD_FIELDS, "is_active", *ACCESS_FIELDS)

    def clean_email(self) -> str | None:
        email = (self.cleaned_data.get("email") or "").strip().lower() or None
        if email and email_taken(email, exclude_pk=self.instance.pk):
            raise ValidationError(EMAIL_TAKEN, code="email_taken")
        return email


class AccountAddForm(_RefusesForgedFields):
    class Meta:
        model = User
        fields = ADD_FIELDS
        help_texts = {"email": NO_PASSWORD_HERE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True

    def clean_email(self) -> str:
        email = (self.cleaned_data.get("email") or "").strip().lower()
        if email_taken(email):
            raise ValidationError(EMAIL_TAKEN, code="email_taken")
        return email

    def account_details(self) -> dict[str, Any]:
        """The keyword arguments of ``account_create`` from the cleaned form."""
        return {name: self.cleaned_data[name] for name in ADD_FIELDS}
