"""R23 in the portal: a teacher flags a message; leaders work the moderation queue."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthedRequest
from classes.names import display_names

from ..models import Flag, Message, ParentWarning
from ..moderation import (
    can_moderate,
    flag_dismiss,
    message_flag,
    open_flags,
    parent_suspend,
    parent_warn,
)
from ..permissions import threads_visible_to

FLAGGED = _("The message is with the school's leaders. Thank you for telling them.")
DECIDED = _("Decided and recorded.")


@require_POST
def flag(request: AuthedRequest, message_id: int) -> HttpResponse:
    message = get_object_or_404(
        Message.objects.filter(thread__in=threads_visible_to(request.user)).select_related(
            "thread"
        ),
        pk=message_id,
    )
    try:
        message_flag(
            acting_user=request.user, message=message, reason=request.POST.get("reason", "")
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        flash.error(request, error.messages[0])
    else:
        flash.success(request, FLAGGED)
    return redirect("messaging_thread", thread_id=message.thread_id)


@require_GET
def queue(request: AuthedRequest) -> HttpResponse:
    """Open flags, each with its thread's messages around it and the parent's warnings."""
    if not can_moderate(request.user):
        raise Http404
    flags = list(open_flags())
    threads = {f.message.thread_id for f in flags}
    context_messages = Message.objects.filter(thread_id__in=threads).select_related("author")
    by_thread: dict[int, list[Message]] = {}
    for message in context_messages.order_by("sent_at"):
        by_thread.setdefault(message.thread_id, []).append(message)
    warned = set(
        ParentWarning.objects.filter(
            parent_id__in={f.message.thread.parent_id for f in flags}
        ).values_list("parent_id", flat=True)
    )
    names = display_names([f.message.thread.pupil for f in flags])
    for item in flags:
        item.context = by_thread.get(item.message.thread_id, [])  # type: ignore[attr-defined]
        item.warned = item.message.thread.parent_id in warned  # type: ignore[attr-defined]
        item.pupil_name = names.get(item.message.thread.pupil_id, "")  # type: ignore[attr-defined]
    return render(request, "messaging/moderation.html", {"flags": flags})


@require_POST
def decide(request: AuthedRequest, flag_id: int) -> HttpResponse:
    if not can_moderate(request.user):
        raise Http404
    item = get_object_or_404(Flag, pk=flag_id)
    action, reason = request.POST.get("action"), request.POST.get("reason", "")
    try:
        if action == "warn":
            parent_warn(acting_user=request.user, flag=item, reason=reason)
        elif action == "suspend":
            parent_suspend(acting_user=request.user, flag=item, reason=reason)
        else:
            flag_dismiss(acting_user=request.user, flag=item)
    except ValidationError as error:
        flash.error(request, error.messages[0])
    else:
        flash.success(request, DECIDED)
    return redirect("messaging_moderation")
