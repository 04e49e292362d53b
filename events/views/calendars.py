"""Calendar files (R35): one event's ``.ics``, and each parent's private feed of their
children's events, the term dates and the closures, with the page that hands it out and
revokes it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthedRequest
from classes.selectors import school_get

from .. import ics
from ..permissions import can_have_calendar_feed, live_feed
from ..selectors import event_entry, feed_entries
from ..services.feeds import feed_for, feed_revoke
from ..tokens import feed_key, feed_token
from .pages import event_or_404

REVOKED = gettext_lazy(
    "The old calendar address no longer works. Add this new one to your phone's calendar."
)


def _calendar_response(body: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def event_ics(request: AuthedRequest, event_id: int) -> HttpResponse:
    found = event_or_404(request, event_id)
    school = school_get()
    entry = event_entry(found, school.tz)
    body = ics.calendar([entry], name=school.name, now=timezone.now())
    return _calendar_response(body, f"event-{found.pk}.ics")


@require_GET
def calendar_page(request: AuthedRequest) -> HttpResponse:
    """The parent's private calendar address, to copy into a phone's calendar."""
    if not can_have_calendar_feed(request.user):
        raise Http404
    feed = feed_for(acting_user=request.user)
    url = request.build_absolute_uri(reverse("events_feed", args=[feed_token(feed.key)]))
    webcal = "webcal://" + url.split("://", 1)[1]
    return render(request, "events/calendar.html", {"url": url, "webcal": webcal})


@require_POST
def calendar_revoke(request: AuthedRequest) -> HttpResponse:
    if not can_have_calendar_feed(request.user):
        raise Http404
    feed_revoke(acting_user=request.user)
    messages.success(request, REVOKED)
    return redirect("events_calendar")


@login_not_required
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A calendar app fetching a parent's feed, with no session. A token this server did not
    sign, a revoked one, or one whose parent may no longer have it: an empty 404 that names
    nothing, not even the school."""
    key = feed_key(token)
    found = live_feed(key) if key else None
    if found is None:
        return HttpResponseNotFound(b"", content_type="text/plain")
    school = school_get()
    with translation.override(found.parent.preferred_language or None):
        entries = feed_entries(
            parent=found.parent, tz=school.tz, today=timezone.now().astimezone(school.tz).date()
        )
        name = _("%(school)s calendar") % {"school": school.name}
        body = ics.calendar(entries, name=name, now=timezone.now())
    return _calendar_response(body, "calendar.ics")
