"""Notices in the portal (R31): a person's notices with mark-as-read, the counts for the bell,
and the leaders' list of overdue replies (R21). To anyone else these pages do not exist."""

from __future__ import annotations

import functools

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthedRequest

from .models import Notice
from .notices import (
    NoticeCounts,
    can_see_notices,
    can_see_overdue,
    notice_counts,
    notice_mark_read,
    notices_for,
    notices_mark_all_read,
    overdue_replies,
)

MARKED_READ = _("Marked as read.")
ALL_MARKED_READ = _("All notices are marked as read.")


@require_GET
def notices_page(request: AuthedRequest) -> HttpResponse:
    """The person's latest notices, each linking to its thread, unread ones first marked."""
    if not can_see_notices(request.user):
        raise Http404
    context = {"rows": notices_for(request.user), "counts": notice_counts(request.user)}
    return render(request, "messaging/notices.html", context)


@require_POST
def notice_read(request: AuthedRequest, notice_id: int) -> HttpResponse:
    if not can_see_notices(request.user):
        raise Http404
    notice = get_object_or_404(Notice, pk=notice_id, recipient=request.user)
    notice_mark_read(acting_user=request.user, notice=notice)
    flash.success(request, MARKED_READ)
    return redirect("messaging_notices")


@require_POST
def notices_read_all(request: AuthedRequest) -> HttpResponse:
    if not can_see_notices(request.user):
        raise Http404
    notices_mark_all_read(acting_user=request.user)
    flash.success(request, ALL_MARKED_READ)
    return redirect("messaging_notices")


@require_GET
def overdue_page(request: AuthedRequest) -> HttpResponse:
    """Leaders: every parent's message past its reply due time, oldest first (R21)."""
    if not can_see_overdue(request.user):
        raise Http404
    now = timezone.now()
    return render(
        request, "messaging/overdue.html", {"rows": overdue_replies(now=now), "now": now}
    )


def notice_badge(request: HttpRequest) -> dict[str, object]:
    """Context processor: ``notice_badge``, the counts for the bell (unread notices and unseen
    messages), or None for people without notices. Read lazily, once per page: pages that do
    not show it pay nothing."""
    user = getattr(request, "user", None)

    @functools.cache
    def badge() -> NoticeCounts | None:
        if user is None or not can_see_notices(user):
            return None
        return notice_counts(user)

    return {"notice_badge": badge}


urlpatterns: list[URLPattern] = [
    path("notices/", notices_page, name="messaging_notices"),
    path("notices/read/", notices_read_all, name="messaging_notices_read_all"),
    path("notices/<int:notice_id>/read/", notice_read, name="messaging_notice_read"),
    path("overdue/", overdue_page, name="messaging_overdue"),
]
