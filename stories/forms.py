"""Forms of the story pages. They parse what the author sent; the rules (names, consent, what a
file really is) are the services' checks, so the same rules hold for every caller."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from classes.selectors import school_get
from consent.selectors import MediaVerdict
from media.forms import MultipleFileField

from .models import Reminder

UNKNOWN_PUPIL = _("Choose pupils from the list.")
BAD_TIME = _("Give the date and time as shown, for example 2026-12-01 08:30.")


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in the school's time zone (the browser's datetime-local)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    default_error_messages = {"invalid": BAD_TIME}

    def to_python(self, value: Any) -> dt.datetime | None:
        result = super().to_python(value)
        if result is None:
            return None
        naive = timezone.make_naive(result) if timezone.is_aware(result) else result
        return naive.replace(tzinfo=school_get().tz)


class PostForm(forms.Form):
    """Writing or editing a post. ``tagged`` lists the pupils who may be tagged, each shown
    with whether they may appear in media (the consent roster, R14)."""

    body = forms.CharField(
        label=_("Text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("First names only. Links and line breaks are kept."),
    )
    attachments = MultipleFileField(
        label=_("Photos, recordings or work samples"),
        required=False,
        help_text=_(
            "Photos (JPEG, PNG, WebP), recordings (MP3, M4A, MP4, WebM, Ogg, WAV) or PDF."
        ),
    )
    tagged = forms.TypedMultipleChoiceField(
        label=_("Pupils who appear"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": UNKNOWN_PUPIL},
    )
    no_child_appears = forms.BooleanField(label=_("No child appears"), required=False)
    publish_at = LocalDateTimeField(
        label=_("Publish later (optional)"),
        required=False,
        help_text=_("Leave empty to publish now."),
    )

    def __init__(
        self, *args: Any, pupils: list[MediaVerdict], with_files: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["tagged"]).choices = [
            (v.pupil_id, v.display_name if v.may_appear else f"{v.display_name} – {v.reason_text}")
            for v in pupils
        ]
        if not with_files:
            del self.fields["attachments"]
        else:
            # A refused post comes back through htmx, which keeps this box and its files.
            self.fields["attachments"].widget.attrs["hx-preserve"] = "true"


class SchoolPostForm(PostForm):
    urgent = forms.BooleanField(
        label=_("Urgent"),
        required=False,
        help_text=_("For a closure or an emergency: every family is told at once."),
    )


class AboutForm(forms.Form):
    """On a class's compose page: the Class Story, or one pupil's Student Story."""

    about = forms.TypedChoiceField(label=_("Post to"), coerce=int, empty_value=None)

    def __init__(self, *args: Any, pupils: list[MediaVerdict], class_label: str, **kw: Any):
        super().__init__(*args, **kw)
        cast(forms.ChoiceField, self.fields["about"]).choices = [("", class_label)] + [
            (v.pupil_id, _("Student Story: %(name)s") % {"name": v.display_name}) for v in pupils
        ]
        self.fields["about"].required = False


class ReminderForm(forms.ModelForm):
    class Meta:
        model = Reminder
        fields = ["body", "weekday", "time_of_day"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 3}),
            "time_of_day": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
