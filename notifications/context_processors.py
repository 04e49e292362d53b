"""The bell and the urgent banner for every template, read lazily."""

from __future__ import annotations

import functools

from django.http import HttpRequest

from .permissions import can_have_notifications
from .selectors import bell_for


def bell(request: HttpRequest) -> dict[str, object]:
    """The bell and the urgent banner, lazily: read (from the shared cache, or one query) only
    when a page shows them, once per page."""
    user = getattr(request, "user", None)  # absent on a page rendered before authentication
    if user is None or not can_have_notifications(user):
        return {}
    return {"bell": functools.cache(lambda: bell_for(user))}
