"""Classroom tablets: the staff page that sets one up or forgets it, and the picture code on a
tablet. The tablet's own page of names and monsters is in the points app (it draws monsters)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..http import AuthedRequest
from ..permissions.accounts import role_required
from ..selectors.pupils import (
    class_tablets,
    get_class_for_tablets,
    get_sign_in_pupil,
    get_tablet_for,
)
from ..services.tablets import TABLET_COOKIE, tablet_forget, tablet_set_up
from .pupil import CLASS_STAFF, KeypadUrls, class_from_tablet, keypad_page

TABLET_READY = _(
    "This tablet now opens the sign-in of %(name)s until a teacher forgets it. "
    "You have been signed out, so pupils cannot reach your account here."
)
TABLET_FORGOTTEN_DONE = _("The tablet is forgotten: it no longer opens the sign-in of %(name)s.")


@role_required(*CLASS_STAFF)
@require_GET
def tablets_page(request: AuthedRequest, class_id: int) -> HttpResponse:
    """The class's classroom tablets: set this device up, or forget one (the class's staff)."""
    school_class = get_class_for_tablets(request.user, class_id)
    context = {"school_class": school_class, "tablets": class_tablets(school_class)}
    return render(request, "accounts/pupil/tablets.html", context)


@role_required(*CLASS_STAFF)
@require_POST
def tablet_set_up_view(request: AuthedRequest, class_id: int) -> HttpResponse:
    """Make this device a classroom tablet of the class, then sign the adult out of it."""
    school_class = get_class_for_tablets(request.user, class_id)
    try:
        tablet, value = tablet_set_up(acting_user=request.user, school_class=school_class)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("pupil_class_tablets", class_id=school_class.pk)
    logout(request)
    messages.success(request, TABLET_READY % {"name": school_class.name})
    response = redirect("pupil_tablet")
    response.set_cookie(
        TABLET_COOKIE,
        value,
        max_age=int((tablet.expires_at - timezone.now()).total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@role_required(*CLASS_STAFF)
@require_POST
def tablet_forget_view(request: AuthedRequest, tablet_id: int) -> HttpResponse:
    """Forget a classroom tablet: from now on its cookie, and any copy, is refused."""
    tablet = get_tablet_for(request.user, tablet_id)
    try:
        tablet_forget(acting_user=request.user, tablet=tablet)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, TABLET_FORGOTTEN_DONE % {"name": tablet.school_class.name})
    return redirect("pupil_class_tablets", class_id=tablet.school_class_id)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def tablet_code(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """The picture keypad on a classroom tablet: the tablet is checked again on every tap."""
    school_class = class_from_tablet(request)
    if school_class is None:
        return redirect("pupil_start")
    if isinstance(school_class, HttpResponse):
        return school_class
    pupil = get_sign_in_pupil(school_class, pupil_id)
    urls = KeypadUrls(
        action=reverse("pupil_tablet_code", args=[pupil.pupil.pk]), back=reverse("pupil_tablet")
    )
    return keypad_page(request, school_class, pupil, urls)
