"""A pupil's monster that cheers when a point arrives (R27): the pupil's page asks every so often
for their total and shows "+2" with a little jump when it has grown since the page last looked.
The page's own question: it does not keep a pupil's session alive (see
``accounts.middleware.PUPIL_BACKGROUND_URL_NAMES``)."""

from __future__ import annotations

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from accounts.http import AuthedRequest
from accounts.models import Role
from accounts.permissions.accounts import role_required

from ..selectors.live import live_for

# The sizes the pupil's pages draw their monster at (home, "My points").
SIZES = frozenset({96, 200})
BAD_QUESTION = _("The page asked for something it cannot show. Please reload it.")


def _number(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


@require_GET
@role_required(Role.PUPIL)
def pupil_points_live(request: AuthedRequest) -> HttpResponse:
    """The live monster's inside, for htmx; with the news for screen readers when points
    arrived. A size or total that is not one the pages send: 400, and the page keeps its own."""
    pupil = getattr(request.user, "pupil", None)
    if pupil is None:
        raise Http404
    size, shown = _number(request.GET.get("size")), _number(request.GET.get("shown"))
    if size not in SIZES or shown is None:
        return HttpResponseBadRequest(str(BAD_QUESTION))
    live = live_for(pupil, size=size, shown=shown)
    news = ""
    if live.arrived:
        news = ngettext(
            "You got %(count)s more point!", "You got %(count)s more points!", live.arrived
        ) % {"count": live.arrived}
    return render(request, "points/includes/pupil_live_inside.html", {"live": live, "news": news})
