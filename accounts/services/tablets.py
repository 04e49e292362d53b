"""Classroom tablets: set up once by the class's staff, they open the class's sign-in page.

The tablet holds a signed cookie naming a :class:`~accounts.models.ClassTablet` row and a random
secret whose hash only is stored. Every use checks the row: forgotten, expired, or a secret that
does not match, and the cookie is refused. The cookie opens nothing but the class's sign-in page
(the names with their monsters, then each pupil's own picture code): it is no session, gives no
account, and a pupil still needs their own pictures (R15 and the pupil allow-list unchanged).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from classes.models import SchoolClass
from classes.selectors import school_get

from ..models import ClassTablet, User
from ..permissions.pupils import can_manage_class_tablets

TABLET_COOKIE = "dojo_class_tablet"
TABLET_SALT = "accounts.class_tablet"
TABLET_FORGOTTEN = _(
    "This tablet is no longer set up for a class. Ask your teacher, or type your class code."
)
TABLET_YEAR_OVER = _("This class's school year is over: a tablet cannot be set up for it.")
TABLET_ALREADY_FORGOTTEN = _("This tablet was forgotten already.")
# The school year ends on 31 August (England): a class of 2026–27 ends with 31 August 2027.
YEAR_END_MONTH, YEAR_END_DAY = 8, 31


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def school_year_end(school_class: SchoolClass) -> dt.datetime:
    """The first moment after the class's school year, in the school's time zone."""
    last_day = dt.date(school_class.academic_year + 1, YEAR_END_MONTH, YEAR_END_DAY)
    next_day = last_day + dt.timedelta(days=1)
    return dt.datetime.combine(next_day, dt.time(), tzinfo=school_get().tz)


@transaction.atomic
def tablet_set_up(*, acting_user: User, school_class: SchoolClass) -> tuple[ClassTablet, str]:
    """Set a device up as a classroom tablet of ``school_class``; return the row and the
    signed cookie value to give that device (shown nowhere else, never stored).

    The class's staff, the office and leaders may. It expires when the class's school year
    ends; a class whose year is over is refused (``TABLET_YEAR_OVER``).
    """
    if not can_manage_class_tablets(acting_user, school_class):
        raise PermissionDenied
    expires_at = school_year_end(school_class)
    if expires_at <= timezone.now():
        raise ValidationError(TABLET_YEAR_OVER, code="year_over")
    secret = secrets.token_urlsafe(32)
    tablet = ClassTablet(
        school_class=school_class, secret_hash=_secret_hash(secret), expires_at=expires_at
    )
    tablet.full_clean()
    tablet.save()
    value = signing.dumps({"id": tablet.pk, "secret": secret}, salt=TABLET_SALT, compress=True)
    return tablet, value


@transaction.atomic
def tablet_forget(*, acting_user: User, tablet: ClassTablet) -> ClassTablet:
    """Forget a classroom tablet: its cookie, and every copy of it, is refused from now on.

    The class's staff, the office and leaders may; forgetting twice is refused.
    """
    rows = ClassTablet.objects.select_for_update().select_related("school_class")
    tablet = rows.get(pk=tablet.pk)
    if not can_manage_class_tablets(acting_user, tablet.school_class):
        raise PermissionDenied
    if tablet.forgotten_at is not None:
        raise ValidationError(TABLET_ALREADY_FORGOTTEN, code="forgotten")
    tablet.forgotten_at = timezone.now()
    tablet.save(update_fields=["forgotten_at"])
    return tablet


def _unsigned(value: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(value, salt=TABLET_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    tablet_id, secret = data.get("id"), data.get("secret")
    if not isinstance(tablet_id, int) or not isinstance(secret, str):
        return None
    return tablet_id, secret


def tablet_class(value: str | None) -> SchoolClass | None:
    """The class a tablet's cookie opens (one query), or None when there is no cookie.

    Raises ``ValidationError`` (``TABLET_FORGOTTEN``) for a cookie that is forged, forgotten,
    expired, or whose secret does not match its row: every use is checked against the row, so
    a copy taken to another device stops working when the tablet is forgotten.
    """
    if not value:
        return None
    unsigned = _unsigned(value)
    tablet = None
    if unsigned is not None:
        rows = ClassTablet.objects.select_related("school_class")
        tablet = rows.filter(pk=unsigned[0]).first()
    usable = (
        tablet is not None
        and unsigned is not None
        and constant_time_compare(tablet.secret_hash, _secret_hash(unsigned[1]))
        and tablet.forgotten_at is None
        and tablet.expires_at > timezone.now()
    )
    if not usable:
        raise ValidationError(TABLET_FORGOTTEN, code="forgotten")
    assert tablet is not None
    return tablet.school_class
