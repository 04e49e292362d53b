from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .kinds import settable_kinds
from .models import Channel, Kind
from .selectors import channels_for, digest_time_for


class NotificationSettingsForm(forms.Form):
    """A channel for each kind of event the person hears of, and the time of their digest."""

    digest_at = forms.TimeField(
        label=_("Send my daily digest at"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time such as 18:00.")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        channels = channels_for(user)
        initial: dict[str, object] = {
            f"kind_{kind.value}": channel.value for kind, channel in channels.items()
        }
        initial["digest_at"] = digest_time_for(user)
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for kind in settable_kinds(user.role):
            self.fields[f"kind_{kind.value}"] = forms.ChoiceField(
                label=kind.label,
                choices=Channel.choices,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Choose one of the options.")},
            )
        self.order_fields([*(name for name in self.fields if name != "digest_at"), "digest_at"])

    def channels(self) -> dict[Kind, Channel]:
        return {
            Kind(name.removeprefix("kind_")): Channel(value)
            for name, value in self.cleaned_data.items()
            if name.startswith("kind_")
        }
