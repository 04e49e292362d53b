from __future__ import annotations

from django.http import HttpRequest

from classes.models import School
from classes.selectors import school_get


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
