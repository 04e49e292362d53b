from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from classes.models import SchoolClass
from media.forms import MultipleFileField

from .models import Topic
from .services.messages import MAX_LENGTH

CHOOSE_WHO = _("Choose whom to write to.")
CHOOSE_WHERE = _("Choose where to send the message.")
CHOOSE_CLASS = _("Choose one of your classes.")

# A parent's choice when a draft looks like the office's (R22), sent by the button pressed.
ROUTE_OFFICE, ROUTE_MEETING, ROUTE_TEACHER = "office", "meeting", "teacher"


class BodyForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_LENGTH * 4,  # the service gives the clear message; this bounds the input
        strip=False,
    )


class MessageForm(BodyForm):
    """A message to the other side of a thread. ``route`` and ``topic`` come from the buttons
    a parent is offered when the draft looks like the office's (R22); both are empty at first."""

    route = forms.ChoiceField(
        required=False,
        choices=[("", ""), (ROUTE_OFFICE, ""), (ROUTE_MEETING, ""), (ROUTE_TEACHER, "")],
        error_messages={"invalid_choice": CHOOSE_WHERE},
    )
    topic = forms.ChoiceField(
        required=False,
        choices=[("", ""), *Topic.choices],
        error_messages={"invalid_choice": CHOOSE_WHERE},
    )
    body = forms.CharField(  # a message may be photos alone: the service checks it
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_LENGTH * 4,
        strip=False,
        required=False,
    )
    photos = MultipleFileField(
        label=_("Photos (optional)"),
        required=False,
        help_text=_("Up to 3 photos (JPEG, PNG, WebP or HEIC)."),
    )


class StartForm(MessageForm):
    """A new conversation: whom (one of the pairs R18 allows now) and the first message."""

    to = forms.ChoiceField(label=_("To"), error_messages={"invalid_choice": CHOOSE_WHO})

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["to"]).choices = [("", "—"), *choices]
        self.order_fields(["to", "body"])


class ReadyReplyForm(forms.Form):
    """One click on a ready reply (R24): which one; the service checks it is still in use."""

    reply = forms.IntegerField(min_value=1)


class BroadcastForm(BodyForm):
    """One message to every parent of a class the sender may write to now (R18)."""

    school_class = forms.ModelChoiceField(
        label=_("Class"),
        queryset=SchoolClass.objects.none(),
        empty_label="—",
        error_messages={"invalid_choice": CHOOSE_CLASS},
    )

    def __init__(self, *args: Any, classes: QuerySet[SchoolClass], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["school_class"]).queryset = classes
        self.order_fields(["school_class", "body"])


FLAG_REASON_NEEDED = _("Please say what is wrong with the message: the leaders read it.")
FLAG_REASON_MAX = 1000


class FlagForm(forms.Form):
    """Why a teacher flags a parent's message (R23): the leaders read it beside the thread."""

    reason = forms.CharField(
        label=_("What is wrong with this message?"),
        help_text=_(
            "For example: rude, threatening, or about another family. Only leaders read it."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=FLAG_REASON_MAX,
        error_messages={"required": FLAG_REASON_NEEDED},
    )
