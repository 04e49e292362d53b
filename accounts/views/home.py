"""Each role's home page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.family_home import family_home

from ..http import AuthedRequest
from ..models import STAFF_ROLES, Role, User
from ..permissions.accounts import can_use_admin, role_required
from ..selectors.people import children_of
from ..selectors.pupils import pupil_display_name
from ..selectors.staff import teacher_home

TEMPLATES = {
    Role.PARENT: "accounts/home_parent.html",
    Role.TEACHER: "accounts/home_staff.html",
    Role.SUPPORT: "accounts/home_staff.html",
    Role.OFFICE: "accounts/home_office.html",
    Role.LEADER: "accounts/home_office.html",
    Role.PUPIL: "accounts/home_pupil.html",
}


@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    context: dict[str, object] = {}
    if user.role == Role.PARENT:
        context.update(_parent_home(user))
    elif user.role in {Role.TEACHER, Role.SUPPORT}:
        context.update(teacher_home(user))
    elif user.role in {Role.OFFICE, Role.LEADER}:
        context["admin_ready"] = can_use_admin(user)
    elif user.role == Role.PUPIL:
        context["pupil_name"] = pupil_display_name(user)
    return render(request, TEMPLATES[Role(user.role)], context)


def _parent_home(parent: User) -> dict[str, object]:
    """The news and a card per child, each part from the app it belongs to
    (``core.family_home``): at most six queries with the children cached, at one child or
    four."""
    children = children_of(parent)
    parts = family_home(parent, children)
    cards = [(child, parts.cards.get(child.pupil.pk, [])) for child in children]
    return {"children": children, "cards": cards, "sections": parts.sections}


@require_GET
@role_required(*STAFF_ROLES)
def admin_needs_mfa(request: HttpRequest) -> HttpResponse:
    """Why two-factor sign-in is needed, and the way to set it up (``TwoFactorMiddleware``
    leads here from every page until it is)."""
    return render(request, "accounts/admin_needs_mfa.html")
