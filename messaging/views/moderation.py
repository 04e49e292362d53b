"""R23 in the portal: a teacher flags a message; leaders work the moderation queue."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthedRequest

from ..forms import FlagForm
from ..models import Flag, Message
from ..moderation import (
    ALREADY_FLAGGED,
    can_flag,
    can_moderate,
    flag_dismiss,
    message_flag,
    parent_suspend,
    parent_warn,
)
from ..permissions import threads_visible_to
from ..selectors import moderation_queue

FLAGGED = _("The message is with the school's leaders. Thank you for telling them.")
DECIDED = _("Decided and recorded.")


@require_http_methods(["GET", "POST"])
def flag(request: AuthedRequest, message_id: int) -> HttpResponse:
    """The teacher says why, and confirms, before a message goes to the leaders (R23); a GET
    changes nothing. 404 for anyone who may not flag it."""
    message = get_object_or_404(
        Message.objects.filter(thread__in=threads_visible_to(request.user)).select_related(
            "thread", "author"
        ),
        pk=message_id,
    )
    if not can_flag(request.user, message) or message.withdrawn_at:
        raise Http404
    if message.flags.exists():
        flash.error(request, ALREADY_FLAGGED)
        return redirect("messaging_thread", thread_id=message.thread_id)
    form = FlagForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            message_flag(
                acting_user=request.user, message=message, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            flash.error(request, error.messages[0])
        else:
            flash.success(request, FLAGGED)
        return redirect("messaging_thread", thread_id=message.thread_id)
    status = 400 if form.errors else 200
    context = {"message": message, "form": form}
    return render(request, "messaging/flag.html", context, status=status)


@require_GET
def queue(request: AuthedRequest) -> HttpResponse:
    """Open flags, each with its thread's messages around it and the parent's warnings."""
    if not can_moderate(request.user):
        raise Http404
    return render(request, "messaging/moderation.html", {"flags": moderation_queue()})


# A warning or a suspension is confirmed on a page of its own, which says what will happen and
# shows the reason the parent will read; dismissing a flag changes nothing for the parent.
CONFIRMED_ACTIONS = {
    "warn": (
        _("Give this parent their formal warning?"),
        _("The parent is told at once, in the portal and by email, and reads the reason below."),
        _("Give the formal warning"),
    ),
    "suspend": (
        _("Suspend this parent’s account?"),
        _(
            "The parent can no longer sign in or use any page, and is told to contact the "
            "school office; the reason below is kept with the suspension."
        ),
        _("Suspend the account"),
    ),
}


def _confirm_page(request: AuthedRequest, item: Flag, action: str, reason: str) -> HttpResponse:
    title, explanation, button = CONFIRMED_ACTIONS[action]
    context = {
        "flag": item,
        "action": action,
        "reason": reason,
        "title": title,
        "explanation": explanation,
        "button": button,
        "parent_name": item.message.thread.parent_name,
    }
    return render(request, "messaging/moderation_confirm.html", context)


@require_POST
def decide(request: AuthedRequest, flag_id: int) -> HttpResponse:
    if not can_moderate(request.user):
        raise Http404
    item = get_object_or_404(Flag.objects.select_related("message__thread"), pk=flag_id)
    action, reason = request.POST.get("action"), request.POST.get("reason", "")
    if action in CONFIRMED_ACTIONS and request.POST.get("confirm") != "yes":
        return _confirm_page(request, item, action, reason)
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
