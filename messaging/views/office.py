"""The office inbox in the portal (R22: office staff and leaders list, take, answer and close
the parents' office threads), a teacher's ready replies (R24) and a teacher's message to all
parents of a class (R18). To anyone else these pages do not exist (404)."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthedRequest
from accounts.models import ADMIN_ROLES
from accounts.permissions.accounts import role_required

from ..forms import BodyForm, BroadcastForm, MessageForm, ReadyReplyForm
from ..models import Thread
from ..permissions import (
    can_broadcast,
    classes_messaged_by,
    office_threads_for,
    threads_visible_to,
)
from ..selectors import office_inbox, thread_page
from ..services.messages import not_allowed_message
from ..services.office import (
    NOT_A_READY_REPLY,
    class_broadcast,
    office_message_add,
    office_messages_mark_seen,
    office_thread_assign,
    office_thread_close,
    office_thread_reopen,
    ready_reply_send,
)
from .threads import SENT, messaging_required, render_thread

TAKEN = _("The conversation is yours to answer.")
CLOSED = _("Closed. It stays in the closed list, and reopens if the parent writes again.")
REOPENED = _("Reopened.")
BROADCAST_SENT = ngettext_lazy(
    "Sent to the parents of %(class)s: %(count)d private conversation, for its parent and child.",
    "Sent to the parents of %(class)s: %(count)d private conversations, one for each parent "
    "and child.",
    "count",
)

office_required = role_required(*ADMIN_ROLES)


@require_http_methods(["GET"])
@office_required
def office_inbox_page(request: AuthedRequest) -> HttpResponse:
    """Open office threads (or closed ones, with ``?state=closed``), urgent first."""
    closed = request.GET.get("state") == "closed"
    threads = office_inbox(viewer=request.user, closed=closed)
    return render(request, "messaging/office_inbox.html", {"threads": threads, "closed": closed})


def _office_thread_for(request: AuthedRequest, thread_id: int) -> Thread:
    return get_object_or_404(
        office_threads_for(request.user).select_related(
            "parent", "pupil__school_class", "assigned_to"
        ),
        pk=thread_id,
    )


@require_http_methods(["GET", "POST"])
@office_required
def office_thread(request: AuthedRequest, thread_id: int) -> HttpResponse:
    """One parent's office thread: reading it marks the parent's messages seen (the parent
    sees that the office has read them); answering takes the thread if nobody had."""
    thread = _office_thread_for(request, thread_id)
    form = BodyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        body = form.cleaned_data["body"]
        try:
            office_message_add(acting_user=request.user, thread=thread, body=body)
        except ValidationError as error:
            form.add_error("body", error)
        else:
            flash.success(request, SENT)
            return redirect("messaging_office_thread", thread_id=thread.pk)
    if request.method == "GET":
        office_messages_mark_seen(reader=request.user, thread=thread)
    context = {
        "page": thread_page(request.user, thread),
        "form": form,
        "class_name": thread.pupil.school_class.name if thread.pupil.school_class else "",
    }
    status = 400 if form.errors else 200
    return render(request, "messaging/office_thread.html", context, status=status)


@require_POST
@office_required
def office_thread_action(request: AuthedRequest, thread_id: int, action: str) -> HttpResponse:
    """Take, close or reopen an office thread."""
    thread = _office_thread_for(request, thread_id)
    actions = {
        "assign": (office_thread_assign, TAKEN),
        "close": (office_thread_close, CLOSED),
        "reopen": (office_thread_reopen, REOPENED),
    }
    if action not in actions:
        raise Http404
    service, note = actions[action]
    service(acting_user=request.user, thread=thread)
    flash.success(request, note)
    return redirect("messaging_office_thread", thread_id=thread.pk)


@require_POST
@messaging_required
def ready_reply(request: AuthedRequest, thread_id: int) -> HttpResponse:
    """A teacher answers with one of the office's ready replies in one click (R24). Only the
    teacher of the thread: its parent sees the thread but may not do this (403)."""
    thread = get_object_or_404(
        threads_visible_to(request.user).select_related("parent", "teacher", "pupil"),
        pk=thread_id,
    )
    if request.user.pk != thread.teacher_id:
        raise PermissionDenied
    form = ReadyReplyForm(request.POST)
    error: str | None = None
    if not form.is_valid():
        error = str(NOT_A_READY_REPLY)
    else:
        try:
            ready_reply_send(
                acting_user=request.user, thread=thread, reply_id=form.cleaned_data["reply"]
            )
        except ValidationError as refusal:
            error = refusal.messages[0]
        except PermissionDenied:
            error = not_allowed_message()
    if error is not None:
        return render_thread(request, thread, MessageForm(), error=error)
    flash.success(request, SENT)
    return redirect("messaging_thread", thread_id=thread.pk)


@require_http_methods(["GET", "POST"])
@messaging_required
def broadcast(request: AuthedRequest) -> HttpResponse:
    """One message to every parent of a class the sender may write to now (R18), delivered as
    each parent's own private conversation."""
    if not can_broadcast(request.user):
        raise Http404
    classes = classes_messaged_by(request.user).order_by("name")
    data = request.POST if request.method == "POST" else None
    form = BroadcastForm(data, classes=classes)
    if request.method == "POST" and form.is_valid():
        school_class = form.cleaned_data["school_class"]
        try:
            sent = class_broadcast(
                acting_user=request.user, school_class=school_class, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form.add_error("body", error)
        except PermissionDenied:
            form.add_error(None, not_allowed_message())
        else:
            note = BROADCAST_SENT % {"count": len(sent), "class": school_class.name}
            flash.success(request, note)
            return redirect("messaging_inbox")
    context = {"form": form, "nobody": not classes.exists()}
    return render(
        request, "messaging/office_broadcast.html", context, status=400 if form.errors else 200
    )
