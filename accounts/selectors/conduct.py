"""The code of conduct a person must accept (R4): which one is current for them (cached), and
whether they have accepted it."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Exists, OuterRef

from ..models import CodeOfConduct, ConductAcceptance, Role, User


def conduct_audience(user: User) -> str | None:
    if user.role == Role.PUPIL:
        return None
    return (
        CodeOfConduct.Audience.PARENTS
        if user.role == Role.PARENT
        else CodeOfConduct.Audience.STAFF
    )


def conduct_current(audience: str) -> CodeOfConduct | None:
    return CodeOfConduct.objects.filter(audience=audience).order_by("-version").first()


CONDUCT_CACHE_KEY = "accounts:current-conduct:{audience}"
CONDUCT_CACHE_SECONDS = 300


def conduct_current_id(audience: str) -> int | None:
    """The id of the current code of conduct for ``audience`` (None when none is published),
    from the shared cache: every page asks it. Publishing a version drops the cached answer
    (``accounts.receivers``)."""
    key = CONDUCT_CACHE_KEY.format(audience=audience)
    cached = cache.get(key)
    if cached is None:
        current = conduct_current(audience)
        cached = current.pk if current else 0
        cache.set(key, cached, CONDUCT_CACHE_SECONDS)
    return cached or None


def conduct_accepted(user: User, conduct_id: int) -> bool:
    return ConductAcceptance.objects.filter(user=user, conduct_id=conduct_id).exists()


def conduct_pending_for(user: User) -> CodeOfConduct | None:
    """The current code of conduct if ``user`` has not accepted it yet (one query), else None."""
    audience = conduct_audience(user)
    if audience is None:
        return None
    accepted = ConductAcceptance.objects.filter(user=user, conduct=OuterRef("pk"))
    current = (
        CodeOfConduct.objects.filter(audience=audience)
        .order_by("-version")
        .annotate(accepted=Exists(accepted))
        .first()
    )
    if current is None or current.accepted:
        return None
    return current
