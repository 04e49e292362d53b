"""Forms of the event pages: they parse; the services apply the rules (R35)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stories.forms import LocalDateTimeField

from .models import Answer

BAD_DATE = _("Give the date as shown, for example 2026-12-01.")
BAD_CLOCK = _("Give the time as shown, for example 09:30.")
NEEDS_TIME = _("Give a start time, or tick “All day”.")


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    starts_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": BAD_DATE},
    )
    all_day = forms.BooleanField(label=_("All day"), required=False)
    starts_at = forms.TimeField(
        label=_("Starts at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": BAD_CLOCK},
    )
    ends_at = forms.TimeField(
        label=_("Ends at (optional)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": BAD_CLOCK},
    )
    ends_on = forms.DateField(
        label=_("Last day (optional)"),
        required=False,
        help_text=_("For an event over several days, such as a residential trip."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": BAD_DATE},
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    bring = forms.CharField(label=_("What to bring"), max_length=300, required=False)
    reply_by = LocalDateTimeField(
        label=_("Reply needed by (optional)"),
        required=False,
        help_text=_("Families can answer and change their answer until then."),
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("First names only. Shown in the story with the event."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        timed = data.get("all_day") or data.get("starts_at")
        if not timed and "starts_at" not in self.errors:
            self.add_error("starts_at", NEEDS_TIME)
        return data


class ReplyForm(forms.Form):
    pupil = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.ChoiceField(choices=Answer.choices, widget=forms.RadioSelect)
