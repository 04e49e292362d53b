"""Admin actions on pupils for picture codes and their printed cards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from classes.models import Pupil
from classes.names import display_names

from ..http import signed_in_user
from ..pictures import pictures_for
from ..services.pupil_login import pupil_code_set


@admin.action(description=_("Give new picture codes and print cards"))
def give_picture_codes(
    modeladmin: admin.ModelAdmin[Pupil], request: HttpRequest, queryset: QuerySet[Pupil]
) -> HttpResponse:
    """New codes for the selected pupils, shown once on cards to print (only hashes are kept)."""
    acting_user = signed_in_user(request)
    pupils = list(
        queryset.select_related("school_class").order_by(
            "school_class__name", "first_name", "surname", "pk"
        )
    )
    names = display_names(pupils)
    cards: list[dict[str, Any]] = []
    refused: list[tuple[Pupil, str]] = []
    for pupil in pupils:
        try:
            keys = pupil_code_set(acting_user=acting_user, pupil=pupil)
        except ValidationError as error:
            refused.append((pupil, " ".join(error.messages)))
            continue
        cards.append(
            {
                "name": names[pupil.pk],
                "school_class": pupil.school_class,
                "pictures": pictures_for(keys),
            }
        )
    context = {
        "cards": cards,
        "refused": refused,
        "start_url": settings.SITE_URL + reverse("pupil_start"),
        "back_url": reverse("admin:classes_pupil_changelist"),
    }
    response = render(request, "admin/accounts/picture_cards.html", context)
    add_never_cache_headers(response)  # the codes must not linger in any cache
    return response


ACTIONS: list[Callable[..., HttpResponseBase | None]] = [give_picture_codes]
