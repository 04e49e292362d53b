from __future__ import annotations

from django.http import HttpRequest

from classes.models import School


def portal(request: HttpRequest) -> dict[str, object]:
    """The school, lazily: templates that name it or its office phone query it once."""
    cache: dict[str, School | None] = {}

    def school() -> School | None:
        if "school" not in cache:
            cache["school"] = School.objects.first()
        return cache["school"]

    return {"school": school}
