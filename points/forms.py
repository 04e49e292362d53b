"""Forms of the points pages: giving points at the class screen, and a class's own skills."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .icons import ICONS, UNKNOWN_ICON, icon_svg
from .models import SkillKind
from .services.awards import NOTE_TOO_LONG

CHOOSE_SKILL = _("Choose a skill to give.")
UNKNOWN_PUPIL = _("Choose pupils from the class.")
CHOOSE_VALUE = _("Give the skill's points as a whole number.")


class PupilIdsField(forms.Field):
    """The ticked pupils' ids. Whether they are pupils of the class is the service's check
    (a pupil of another class is a 404), so this field only insists on whole numbers."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        try:
            return [int(item) for item in values]
        except (TypeError, ValueError):
            raise forms.ValidationError(UNKNOWN_PUPIL, code="invalid") from None


class AwardForm(forms.Form):
    """One click at the class screen: pupils (or the whole class), a skill, an optional note.
    ``batch`` is made when the screen is drawn, so a double-click sends the same one twice."""

    pupils = PupilIdsField(required=False)
    whole_class = forms.BooleanField(required=False)
    skill = forms.IntegerField(
        min_value=1, error_messages={"required": CHOOSE_SKILL, "invalid": CHOOSE_SKILL}
    )
    note = forms.CharField(
        label=_("Note for parents (optional)"),
        max_length=200,
        required=False,
        error_messages={"max_length": NOTE_TOO_LONG},
        help_text=_("Why the points were given. Parents see it with the points."),
    )
    batch = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].error_messages["min_value"] = CHOOSE_SKILL
        if not self.is_bound:
            self.initial["batch"] = uuid.uuid4()


def icon_choices() -> list[tuple[str, Any]]:
    """Each built-in icon as a radio button's label: the picture, then its name."""
    return [
        (key, format_html('{}<span class="icon-name">{}</span>', icon_svg(key), icon.label))
        for key, icon in ICONS.items()
    ]


class ClassSkillForm(forms.Form):
    """A class's own skill: the values allowed for each kind are the service's check."""

    name = forms.CharField(label=_("Name"), max_length=40)
    kind = forms.ChoiceField(label=_("Kind"), choices=SkillKind.choices, widget=forms.RadioSelect)
    value = forms.IntegerField(
        label=_("Points"),
        help_text=_("+1 to +5 for a positive skill, 0 to −5 for needs work."),
        error_messages={"invalid": CHOOSE_VALUE, "required": CHOOSE_VALUE},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    icon = forms.ChoiceField(
        label=_("Icon"),
        choices=icon_choices,
        widget=forms.RadioSelect(attrs={"class": "icon-choice"}),
        error_messages={"invalid_choice": UNKNOWN_ICON, "required": UNKNOWN_ICON},
    )
