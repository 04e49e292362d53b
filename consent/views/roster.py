"""The consent roster (R14): staff see, for each of their classes, who may appear in photos,
recordings and work samples and who may not; the office and leaders see every class. Each
class prints on one A4 page."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.http import AuthedRequest
from accounts.models import Role
from accounts.permissions.accounts import role_required
from classes.models import SchoolClass

from ..permissions import can_manage_consent, can_view_roster
from ..selectors import roster_for
from ..selectors.roster import Roster, current_year_classes, roster_classes_for, rosters_for

STAFF = (Role.TEACHER, Role.SUPPORT, Role.OFFICE, Role.LEADER)


@require_GET
@role_required(*STAFF)
def roster_index(request: AuthedRequest) -> HttpResponse:
    """The classes whose roster the viewer may see, each with its counts and a link."""
    rosters = rosters_for(roster_classes_for(request.user))
    return render(
        request,
        "consent/roster_index.html",
        {"rosters": rosters, "may_print_all": can_manage_consent(request.user)},
    )


@require_GET
@role_required(*STAFF)
def roster_class(request: AuthedRequest, class_id: int) -> HttpResponse:
    """One class's roster; a class the viewer may not see does not exist for them (404)."""
    school_class = get_object_or_404(SchoolClass, pk=class_id)
    if not can_view_roster(request.user, school_class):
        raise Http404
    roster = Roster.of(school_class, roster_for(school_class))
    return render(
        request,
        "consent/roster_class.html",
        # when it was printed, in the reader's date format (the roster's footnote)
        {"roster": roster, "printed_at": timezone.now()},
    )


@require_GET
@role_required(Role.OFFICE, Role.LEADER)
def roster_print_all(request: AuthedRequest) -> HttpResponse:
    """Every class of the current academic year, each on its own printed page."""
    rosters = rosters_for(list(current_year_classes()))
    return render(
        request,
        "consent/roster_print_all.html",
        {"rosters": rosters, "printed_at": timezone.now()},
    )
