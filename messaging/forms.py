from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import MAX_LENGTH

CHOOSE_WHO = _("Choose whom to write to.")


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_LENGTH * 4,  # the service gives the clear message; this bounds the input
        strip=False,
    )


class StartForm(MessageForm):
    """A new conversation: whom (one of the pairs R18 allows now) and the first message."""

    to = forms.ChoiceField(label=_("To"), error_messages={"invalid_choice": CHOOSE_WHO})

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["to"]).choices = [("", "—"), *choices]
        self.order_fields(["to", "body"])
