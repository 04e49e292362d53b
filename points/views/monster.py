"""The pupil area: the monster picker with its live preview, the picture notice, and the staff's
reset of a monster (R27). Pupil pages answer only pupils; to anyone else they do not exist."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthedRequest
from accounts.models import Role
from accounts.permissions.accounts import role_required
from classes.models import Pupil
from classes.names import display_names

from ..avatars import (
    FORGED_PART,
    KIND_LABELS,
    KINDS,
    PARTS,
    describe,
    parts_from,
    parts_of,
    parts_svg,
)
from ..models import Avatar
from ..permissions import can_reset_avatar
from ..services.avatars import avatar_reset, avatar_set

MONSTER_SAVED = _("Your monster is saved!")
MONSTER_RESET = _("%(name)s's monster is back to the one they started with.")
NOTICE_SEEN_KEY = "pupil_notice_seen"
PREVIEW_SIZE = 200
CHOICE_SIZE = 56

# Form fields that are not monster parts: the CSRF token and the buttons' names.
_NOT_PARTS = frozenset({"csrfmiddlewaretoken", "action"})


def _submitted(data: Mapping[str, Any]) -> dict[str, Any]:
    """The submitted monster parts; any other key stays in, so ``parts_from`` refuses it."""
    return {key: data.get(key) for key in data if key not in _NOT_PARTS}


def _own_pupil(request: AuthedRequest) -> Pupil:
    pupil = getattr(request.user, "pupil", None)
    if pupil is None:
        raise Http404
    return pupil


def _saved_parts(pupil: Pupil) -> dict[str, str]:
    return parts_of(Avatar.objects.filter(pupil=pupil).first(), pupil_id=pupil.pk)


def _preview_context(parts: Mapping[str, str]) -> dict[str, Any]:
    return {"preview": parts_svg(parts, size=PREVIEW_SIZE), "description": describe(parts)}


def _choice(parts: Mapping[str, str], kind: str, value: str) -> dict[str, Any]:
    drawing = parts_svg({**parts, kind: value}, size=CHOICE_SIZE, decorative=True)
    label = PARTS[kind][value].label
    return {"value": value, "label": label, "checked": parts[kind] == value, "drawing": drawing}


def _kinds(parts: Mapping[str, str]) -> list[dict[str, Any]]:
    """Each kind's choices, each drawn as the whole monster with that part (for the picker)."""
    return [
        {
            "name": kind,
            "label": KIND_LABELS[kind],
            "choices": [_choice(parts, kind, value) for value in PARTS[kind]],
        }
        for kind in KINDS
    ]


def _picker(
    request: AuthedRequest, parts: Mapping[str, str], *, error: Any = None, status: int = 200
) -> HttpResponse:
    context = {"kinds": _kinds(parts), "error": error, **_preview_context(parts)}
    return render(request, "points/monster.html", context, status=status)


@require_http_methods(["GET", "POST"])
@role_required(Role.PUPIL)
def pupil_monster(request: AuthedRequest) -> HttpResponse:
    """The picker. "Show me" (POST ``action=show``, or GET with the parts, as the preview sends
    without script) previews a choice and saves nothing; "Save my monster" saves it and goes
    home, where the new monster shows."""
    pupil = _own_pupil(request)
    data = request.POST if request.method == "POST" else request.GET
    if not _submitted(data):
        return _picker(request, _saved_parts(pupil))
    try:
        if request.method == "POST" and data.get("action") != "show":
            avatar_set(acting_user=request.user, parts=_submitted(data))
            messages.success(request, MONSTER_SAVED)
            return redirect("home")
        return _picker(request, parts_from(_submitted(data)))
    except ValidationError:
        return _picker(request, _saved_parts(pupil), error=FORGED_PART, status=400)


@require_GET
@role_required(Role.PUPIL)
def pupil_monster_preview(request: AuthedRequest) -> HttpResponse:
    """The preview alone, for htmx as the pupil chooses; without htmx, the whole picker page."""
    _own_pupil(request)
    if request.headers.get("HX-Request") != "true":
        return HttpResponseRedirect(f"{reverse('pupil_monster')}?{request.GET.urlencode()}")
    try:
        parts = parts_from(_submitted(request.GET))
    except ValidationError:
        return render(request, "points/monster_error.html", {"error": FORGED_PART}, status=400)
    return render(request, "points/monster_preview.html", _preview_context(parts))


@require_POST
@role_required(Role.PUPIL)
def pupil_notice(request: AuthedRequest) -> HttpResponse:
    """The pupil has seen the picture notice: it stays away until their next sign-in."""
    request.session[NOTICE_SEEN_KEY] = True
    return redirect("home")


@require_POST
@role_required(Role.TEACHER, Role.SUPPORT, Role.OFFICE, Role.LEADER)
def points_avatar_reset(request: AuthedRequest, pupil_id: int) -> HttpResponse:
    """Staff of the pupil's class (or the office, leaders) put the default monster back.
    Anyone else: the pupil does not exist (404)."""
    pupil = get_object_or_404(Pupil, pk=pupil_id)
    if not can_reset_avatar(request.user, pupil):
        raise Http404
    avatar_reset(acting_user=request.user, pupil=pupil)
    messages.success(request, MONSTER_RESET % {"name": display_names([pupil])[pupil.pk]})
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("home")
