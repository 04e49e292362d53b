"""Pupils' sign-in pages (class code → name → pictures) and the staff pages around them."""

from __future__ import annotations

from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from classes.models import Pupil, SchoolClass
from classes.names import NamedPupil
from core.ratelimit import client_ip

from ..forms.pupil import TAP_ALL_PICTURES, ClassCodeForm, PictureCodeForm
from ..http import AuthedRequest
from ..middleware import PUPIL_LANGUAGE_KEY
from ..models import Role, User
from ..permissions.accounts import role_required
from ..pictures import CODE_LENGTH, PICTURES, pictures_for
from ..selectors.pupils import (
    get_class_for_sign_in_staff,
    get_pupil_for_unlock,
    get_sign_in_pupil,
    sign_in_pupils,
)
from ..services.pupil_login import (
    NO_PICTURE_CODE,
    PICTURE_CODE_LOCKED,
    class_code_check,
    pupil_code_check,
    pupil_unlock,
)
from ..services.tablets import TABLET_COOKIE, tablet_class

PUPIL_UNLOCKED = _("%(name)s can sign in with their pictures again.")
PUPIL_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
CLASS_STAFF = (Role.TEACHER, Role.SUPPORT, Role.OFFICE, Role.LEADER)
STATE_NOTICES = {"locked": PICTURE_CODE_LOCKED, "no_code": NO_PICTURE_CODE}


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Type the class code (or scan the class's QR code, which skips this page)."""
    if request.method == "GET":
        tablet = class_from_tablet(request)
        if isinstance(tablet, HttpResponse):
            return tablet
        if tablet is not None:
            return redirect("pupil_tablet")
    form = ClassCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            school_class = class_code_check(
                code=form.cleaned_data["class_code"], ip=client_ip(request)
            )
        except ValidationError as error:
            form.add_error("class_code", error)
        else:
            return redirect("pupil_class", class_code=school_class.class_code)
    return render(request, "accounts/pupil/start.html", {"form": form})


def tablet_refused(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """The class-code page with the reason a tablet's cookie was refused (403); the cookie is
    dropped, so the device asks for a class code like any other."""
    form = ClassCodeForm()
    response = render(
        request,
        "accounts/pupil/start.html",
        {"form": form, "tablet_error": error.messages[0]},
        status=403,
    )
    response.delete_cookie(TABLET_COOKIE, samesite="Lax")
    return response


def class_from_tablet(request: HttpRequest) -> SchoolClass | HttpResponse | None:
    """The class this device was set up for; a refusal page for a forgotten, expired or forged
    tablet; None when the device is not a classroom tablet."""
    try:
        return tablet_class(request.COOKIES.get(TABLET_COOKIE))
    except ValidationError as error:
        return tablet_refused(request, error)


def _class_or_refusal(request: HttpRequest, class_code: str) -> SchoolClass | HttpResponse:
    """The class for a code in the address, or the class-code page with the reason (404/429)."""
    try:
        return class_code_check(code=class_code, ip=client_ip(request))
    except ValidationError as error:
        form = ClassCodeForm({"class_code": class_code})
        form.is_valid()
        form.add_error("class_code", error)
        status = 429 if error.code == "rate_limited" else 404
        return render(request, "accounts/pupil/start.html", {"form": form}, status=status)


@login_not_required
@never_cache
@require_GET
def class_names(request: HttpRequest, class_code: str) -> HttpResponse:
    """The class's pupils as big name buttons (display names only, R6)."""
    school_class = _class_or_refusal(request, class_code)
    if isinstance(school_class, HttpResponse):
        return school_class
    context = {"school_class": school_class, "pupils": sign_in_pupils(school_class)}
    return render(request, "accounts/pupil/class.html", context)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def picture_code(request: HttpRequest, class_code: str, pupil_id: int) -> HttpResponse:
    """The picture keypad: each tap comes back here until five pictures are chosen."""
    school_class = _class_or_refusal(request, class_code)
    if isinstance(school_class, HttpResponse):
        return school_class
    pupil = get_sign_in_pupil(school_class, pupil_id)
    urls = KeypadUrls(
        action=reverse("pupil_code", args=[school_class.class_code, pupil.pupil.pk]),
        back=reverse("pupil_class", args=[school_class.class_code]),
    )
    return keypad_page(request, school_class, pupil, urls)


@dataclass(frozen=True)
class KeypadUrls:
    """Where the keypad posts its taps, and the page of names it came from."""

    action: str
    back: str


def keypad_page(
    request: HttpRequest, school_class: SchoolClass, pupil: NamedPupil, urls: KeypadUrls
) -> HttpResponse:
    """The keypad for ``pupil`` (reached by class code or from a classroom tablet): each tap
    comes back until five pictures are chosen, then the code is checked."""
    form = PictureCodeForm(request.POST or None)
    keys: list[str] = []
    if request.method == "POST" and form.is_valid():
        keys = form.sequence()
        if len(keys) == CODE_LENGTH:
            return _check_code(request, school_class, pupil, form, keys, urls)
        if form.wants_sign_in():
            form.add_error(None, TAP_ALL_PICTURES)
    return _keypad(request, pupil, form, keys, _state(pupil.pupil), urls)


def _state(pupil: Pupil) -> str:
    login_row = getattr(pupil, "login", None)
    if login_row is None or pupil.user_id is None:
        return "no_code"
    return "locked" if login_row.locked_at is not None else "ready"


def _check_code(
    request: HttpRequest,
    school_class: SchoolClass,
    pupil: NamedPupil,
    form: PictureCodeForm,
    keys: list[str],
    urls: KeypadUrls,
) -> HttpResponse:
    try:
        user = pupil_code_check(pupil=pupil.pupil, code=keys)
    except ValidationError as error:
        form.add_error(None, error)
        state = error.code if error.code in {"locked", "no_code"} else "ready"
        return _keypad(request, pupil, form, [], str(state), urls)
    _sign_in(request, user, school_class)
    return redirect("home")


def _sign_in(request: HttpRequest, user: User, school_class: SchoolClass) -> None:
    """Sign the pupil in with a fresh session that the pupil session limits then watch over."""
    logout(request)  # whoever used this device before, adult or pupil, is signed out
    login(request, user, backend=PUPIL_BACKEND)
    now = timezone.now().isoformat()
    request.session["pupil_started"] = now
    request.session["pupil_last_seen"] = now
    # A pupil's pages are in English unless the school set their class's language (R32).
    request.session[PUPIL_LANGUAGE_KEY] = school_class.language
    # The session row and cookie die soon after the limits too, not SESSION_COOKIE_AGE later.
    limits = settings.PUPIL_SESSION_IDLE + settings.PUPIL_SESSION_ABSOLUTE
    request.session.set_expiry(int(limits.total_seconds()))


def _keypad(
    request: HttpRequest,
    pupil: NamedPupil,
    form: PictureCodeForm,
    keys: list[str],
    state: str,
    urls: KeypadUrls,
) -> HttpResponse:
    chosen = pictures_for(keys)
    # Say why there is no keypad, unless the attempt that just failed said it already.
    notice = STATE_NOTICES.get(state) if not form.non_field_errors() else None
    context = {
        "notice": notice,
        "pupil": pupil,
        "form": form,
        "state": state,
        "urls": urls,
        "pictures": PICTURES,
        "entered": "-".join(keys),
        "slots": chosen + [None] * (CODE_LENGTH - len(chosen)),
        "chosen_count": len(chosen),
        "code_length": CODE_LENGTH,
    }
    return render(request, "accounts/pupil/code.html", context)


def _qr_svg(url: str) -> SafeString:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage)
    # The markup is made by the qrcode package from our own URL: paths only, no script.
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308


@role_required(*CLASS_STAFF)
@require_GET
def class_qr(request: AuthedRequest, class_id: int) -> HttpResponse:
    """For the whiteboard: the class code in huge type and a QR code of the class's page."""
    school_class = get_class_for_sign_in_staff(request.user, class_id)
    url = settings.SITE_URL + reverse("pupil_class", args=[school_class.class_code])
    context = {
        "school_class": school_class,
        "start_url": settings.SITE_URL + reverse("pupil_start"),
        "qr_svg": _qr_svg(url),
    }
    return render(request, "accounts/pupil/class_qr.html", context)


@role_required(*CLASS_STAFF)
@require_POST
def unlock(request: AuthedRequest, pupil_id: int) -> HttpResponse:
    """Unlock a pupil's picture code (staff of the pupil's class, the office, leaders)."""
    pupil = get_pupil_for_unlock(request.user, pupil_id)
    try:
        pupil_unlock(acting_user=request.user, pupil=pupil.pupil)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, PUPIL_UNLOCKED % {"name": pupil.display_name})
    return redirect("home")
