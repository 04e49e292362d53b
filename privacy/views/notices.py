"""The privacy notices (R28): one for parents, carers and staff, one in pictures for children.

Both are public: a family reads them before joining, a parent before agreeing to the
data-processing form, and a pupil from any page. What can change with the installation is
read at each request, so the notice never promises a period or a service that the portal does
not apply: how long each kind of data is kept (the values the nightly deletion jobs use), and
which services outside this server, if any, see data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from points.services.retention import RETENTION as POINTS_RETENTION
from translation import backend_name

from ..services.export import KEEP_FOR as EXPORT_KEEP_FOR

DAYS_IN_YEAR = 365


def period_text(days: int) -> str:
    """A retention period as a reader says it: whole years as years, anything else in days."""
    if days > 0 and days % DAYS_IN_YEAR == 0:
        years = days // DAYS_IN_YEAR
        return ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


@dataclass(frozen=True)
class Retention:
    """One line of the notice's "how long we keep it" list."""

    what: str | Promise
    days: int

    @property
    def period(self) -> str:
        return period_text(self.days)


def _setting(name: str) -> Callable[[], int]:
    return lambda: int(getattr(settings, name))


# Each row reads the value the deletion job itself uses (a setting, or the job's constant where
# the rule is fixed), so the notice and the job cannot disagree.
RETENTION_ROWS: tuple[tuple[str | Promise, Callable[[], int]], ...] = (
    (
        _(
            "Everything about a pupil (their name, date of birth, class, photo consent, points, "
            "monster, picture code, Student Story posts, the photos that show them and the "
            "messages about them), after they leave the school"
        ),
        _setting("PUPIL_RETENTION_DAYS"),
    ),
    (_("Points, from the day they are given"), lambda: POINTS_RETENTION.days),
    (
        _("Messages between parents and staff, from the day they are sent"),
        _setting("MESSAGE_RETENTION_DAYS"),
    ),
    (
        _("A parent or carer account with no child at the school any more"),
        _setting("PARENT_WITHOUT_CHILD_DAYS"),
    ),
    (_("A “Download my data” file, from the day it is ready"), lambda: EXPORT_KEEP_FOR.days),
    (
        _("The log of important events, from the day of each event"),
        _setting("AUDIT_RETENTION_DAYS"),
    ),
)


def retention_periods() -> list[Retention]:
    """The periods the portal applies now (read per request: the school's configuration, and
    tests, change them)."""
    return [Retention(what, days()) for what, days in RETENTION_ROWS]


def outside_services() -> dict[str, str | bool]:
    """Which services beyond the portal's own server handle any data, as configured now:
    ``translation`` is "off", "local" or "server"; ``email`` is "server" or "none"; ``push``
    whether web push is set up (it is off without a key pair)."""
    translation = backend_name()
    return {
        "translation": {"off": "off", "apertium": "local"}.get(translation, "server"),
        "email": "server" if settings.EMAIL_HOST else "none",
        "push": bool(settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY),
    }


@login_not_required
@require_GET
def notice_parents(request: HttpRequest) -> HttpResponse:
    """The full notice for adults: controller, data, lawful bases, who sees what, retention,
    rights and contact."""
    context = {"retention": retention_periods(), "services": outside_services()}
    return render(request, "privacy/notice_parents.html", context)


@login_not_required
@require_GET
def notice_pupils(request: HttpRequest) -> HttpResponse:
    """The same promises for a 5–11 year old: a picture and one or two short sentences each."""
    context = {"points_period": period_text(POINTS_RETENTION.days)}
    return render(request, "privacy/notice_pupils.html", context)
