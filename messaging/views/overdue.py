"""The leaders' list of overdue replies (R21). To anyone else the page does not exist. (What
each person is told lives in the notification centre, ``notifications``.)"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.http import AuthedRequest

from ..overdue import can_see_overdue, overdue_replies


@require_GET
def overdue_page(request: AuthedRequest) -> HttpResponse:
    """Leaders: every parent's message past its reply due time, oldest first (R21)."""
    if not can_see_overdue(request.user):
        raise Http404
    now = timezone.now()
    return render(
        request, "messaging/overdue.html", {"rows": overdue_replies(now=now), "now": now}
    )
