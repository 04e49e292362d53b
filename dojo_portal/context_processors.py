from __future__ import annotations

import functools

from django.http import HttpRequest

from classes.models import School
from classes.selectors import school_get
from dojo_portal.notifications.permissions import can_have_notifications
from dojo_portal.notifications.selectors import bell_for


def portal(request: HttpRequest) -> dict[str, object]:
    """The school, lazily: templates that name it or its office phone read it (from the shared
    cache, see ``school_get``) once."""
    cache: dict[str, School | None] = {}

    def school() -> School | None:
        if "school" not in cache:
            try:
                cache["school"] = school_get()
            except School.DoesNotExist:
                cache["school"] = None
        return cache["school"]

    return {"school": school}


def notifications(request: HttpRequest) -> dict[str, object]:
    """The bell and the urgent banner, lazily: read (from the shared cache, or one query) only
    when a page shows them, once per page."""
    user = getattr(request, "user", None)  # absent on a page rendered before authentication
    if user is None or not can_have_notifications(user):
        return {}
    return {"bell": functools.cache(lambda: bell_for(user))}
