"""The classroom tablet's page: the class's monsters with their names beneath; a child taps
their own, then their picture code (accounts). The tablet's cookie is checked on every visit
(a forgotten tablet, or a copy of its cookie, is refused) and opens nothing else."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.views.pupil import class_from_tablet

from ..selectors.sign_in import sign_in_monsters


@login_not_required
@never_cache
@require_GET
def tablet_page(request: HttpRequest) -> HttpResponse:
    """Tap your monster: the sign-in page of the class this tablet was set up for."""
    school_class = class_from_tablet(request)
    if school_class is None:
        return redirect("pupil_start")
    if isinstance(school_class, HttpResponse):
        return school_class
    context = {"school_class": school_class, "monsters": sign_in_monsters(school_class)}
    return render(request, "points/tablet.html", context)
