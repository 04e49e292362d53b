"""What counts as a pupil's name: one check for every way a name comes in (the office's admin
form, the pupils' import from the school's records), so that neither lets through what the
other refuses, such as a spreadsheet formula (``=HYPERLINK(…)``) that would run when an
export is opened.

A name is letters of any alphabet (with their accents and combining marks), spaces, hyphens,
apostrophes and full stops, starting with a letter: never a formula (``=…``, ``+…``, ``@…``,
``-…``) or a number.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NAME_PUNCTUATION = frozenset(" -'’.")

NOT_A_NAME = _(
    "The %(label)s “%(value)s” does not look like a name: use letters, spaces, hyphens, "
    "apostrophes and full stops, starting with a letter."
)


def looks_like_name(value: str) -> bool:
    return bool(value) and (
        value[0].isalpha()
        and all(
            char.isalpha()
            or char in NAME_PUNCTUATION
            or unicodedata.category(char).startswith("M")
            for char in value
        )
    )


@deconstructible
class NameValidator:
    """Refuses what does not look like a name, saying which name (``label``: "first name")."""

    code = "not_a_name"

    def __init__(self, label: str | Promise) -> None:
        self.label = label

    def __call__(self, value: str) -> None:
        if not looks_like_name(value):
            raise ValidationError(
                NOT_A_NAME, code=self.code, params={"label": self.label, "value": value}
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NameValidator) and str(self.label) == str(other.label)

    def __hash__(self) -> int:
        return hash(str(self.label))


validate_first_name = NameValidator(_("first name"))
validate_surname = NameValidator(_("surname"))
