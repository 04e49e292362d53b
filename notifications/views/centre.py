"""The notification centre (R31): the list, opening one, marking read, settings, and the
unsubscribe page that works without signing in. To pupils these pages do not exist."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthedRequest
from accounts.permissions.accounts import role_required

from ..forms import NotificationSettingsForm
from ..models import Notification
from ..permissions import NOTIFIED_ROLES
from ..selectors import notification_get_for, notifications_for
from ..services import (
    notification_mark_read,
    notification_settings_save,
    notifications_mark_all_read,
    notifications_unsubscribe,
)
from ..tokens import unsubscribe_read

SAVED = _("Your notification settings are saved.")
ALL_READ = _("All notifications are marked as read.")


def _on_this_site(url: str) -> str | None:
    """``url`` if it is a path on this site, never another host."""
    return url if url.startswith("/") and url_has_allowed_host_and_scheme(url, None) else None


def _own(request: AuthedRequest, pk: int) -> Notification:
    try:
        return notification_get_for(request.user, pk)
    except Notification.DoesNotExist:
        raise Http404 from None


@require_GET
@role_required(*NOTIFIED_ROLES)
def notification_list(request: AuthedRequest) -> HttpResponse:
    rows = notifications_for(request.user)
    return render(request, "notifications/list.html", {"rows": rows})


@require_GET
@role_required(*NOTIFIED_ROLES)
def notification_open(request: AuthedRequest, pk: int) -> HttpResponse:
    """Follow a notification to the thing it tells of, marking it read."""
    notification = notification_mark_read(acting_user=request.user, notification=_own(request, pk))
    return redirect(_on_this_site(notification.link) or "/")


@require_POST
@role_required(*NOTIFIED_ROLES)
def notification_read(request: AuthedRequest, pk: int) -> HttpResponse:
    notification_mark_read(acting_user=request.user, notification=_own(request, pk))
    return redirect(_on_this_site(request.POST.get("next", "")) or "notifications")


@require_POST
@role_required(*NOTIFIED_ROLES)
def notifications_read_all(request: AuthedRequest) -> HttpResponse:
    notifications_mark_all_read(acting_user=request.user)
    flash.success(request, ALL_READ)
    return redirect("notifications")


@require_http_methods(["GET", "POST"])
@role_required(*NOTIFIED_ROLES)
def notification_settings(request: AuthedRequest) -> HttpResponse:
    form = NotificationSettingsForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        notification_settings_save(
            acting_user=request.user,
            channels=form.channels(),
            digest_at=form.cleaned_data["digest_at"],
        )
        flash.success(request, SAVED)
        return redirect("notification_settings")
    return render(request, "notifications/settings.html", {"form": form})


@login_not_required
@csrf_exempt  # the signed token is the credential; mail clients post without a session
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm; POST (the button, or a mail client's one-click request, RFC 8058)
    stops the emails. A forged or expired link changes nothing and says so."""
    try:
        user_id, kind = unsubscribe_read(token)
    except signing.SignatureExpired:
        return render(request, "notifications/unsubscribe.html", {"state": "expired"}, status=410)
    except signing.BadSignature:
        return render(request, "notifications/unsubscribe.html", {"state": "invalid"}, status=400)
    if request.method == "GET":
        return render(request, "notifications/unsubscribe.html", {"state": "confirm"})
    changed = notifications_unsubscribe(user_id=user_id, kind=kind)
    state = "done" if changed else "nothing"
    return render(request, "notifications/unsubscribe.html", {"state": state})
