"""Model constraints that speak plainly, beside the field they are about.

Every ``CheckConstraint`` and ``UniqueConstraint`` in the project carries a translatable
``violation_error_message`` and a ``violation_error_code`` (without them the admin shows
"Constraint “cover_starts_before_it_ends” is violated"). Django reports a constraint's error
for the whole form, at its top; a model that mixes in :class:`ConstraintErrorsOnFields` names,
in ``constraint_fields``, the field each code belongs to, and the error is shown beside that
field instead, by ``full_clean`` and so by every ``ModelForm`` and the admin.

The field must be one the constraint reads: a form that leaves it out does not check the
constraint at all (Django skips a constraint on an excluded field), so the error never points
at a field the form lacks.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def errors_on_fields(error: ValidationError, fields: Mapping[str, str]) -> ValidationError:
    """``error`` with each form-wide error whose code ``fields`` knows moved to that field."""
    if not hasattr(error, "error_dict"):
        error = ValidationError({NON_FIELD_ERRORS: error.error_list})
    moved: dict[str, list[ValidationError]] = {}
    for field, items in error.error_dict.items():
        for item in items:
            target = fields.get(item.code or "", field) if field == NON_FIELD_ERRORS else field
            moved.setdefault(target, []).append(item)
    return ValidationError(moved)


if TYPE_CHECKING:
    # What the mixin is mixed into, for the type checker; at run time it stays a plain class,
    # so the models' bases (and their migrations) are what they were.
    from django.db.models import Model as _MixedInto
else:
    _MixedInto = object


class ConstraintErrorsOnFields(_MixedInto):
    """Model mixin (before ``models.Model`` in the bases): ``constraint_fields`` maps a
    constraint's ``violation_error_code`` to the field whose error it is."""

    constraint_fields: ClassVar[Mapping[str, str]] = {}

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            raise errors_on_fields(error, self.constraint_fields) from None
