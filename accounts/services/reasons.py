"""The reason the office gives for a decision (a reprint, a refusal, a reinstatement): kept in
the audit log, and on the record where the record has room for one."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REASON_MAX_LENGTH = 500
REASON_TOO_LONG = _("Keep the reason to %(most)s characters at most (it has %(length)s).")
REASON_NEEDED = _("Give a reason: it is kept with the decision.")


def check_reason(reason: str, *, required: bool = False) -> str:
    """The reason, trimmed; ``REASON_TOO_LONG`` past ``REASON_MAX_LENGTH`` characters, and
    ``REASON_NEEDED`` when ``required`` and empty."""
    reason = reason.strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            REASON_TOO_LONG, params={"most": REASON_MAX_LENGTH, "length": len(reason)}
        )
    if required and not reason:
        raise ValidationError(REASON_NEEDED)
    return reason
