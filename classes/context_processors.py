"""The school for every template: its name and office phone, read lazily."""

from __future__ import annotations

from django.http import HttpRequest

from .models import School
from .selectors import school_get


def school(request: HttpRequest) -> dict[str, object]:
    """The school, lazily: templates that name it or its office phone read it (from the shared
    cache, see ``school_get``) once."""
    cache: dict[str, School | None] = {}

    def lazy_school() -> School | None:
        if "school" not in cache:
            try:
                cache["school"] = school_get()
            except School.DoesNotExist:
                cache["school"] = None
        return cache["school"]

    return {"school": lazy_school}
