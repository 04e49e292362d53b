"""The inbox, a thread and a new conversation, for parents and teachers only (R18): to anyone
else these pages do not exist. Quiet time is honest (R19, R20)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthedRequest
from accounts.models import ParentLink, Role, User
from classes.models import Pupil
from classes.names import display_names
from classes.worktime import calendar_for
from core.upload_limit import upload_too_large

from ..forms import (
    ROUTE_MEETING,
    ROUTE_OFFICE,
    ROUTE_TEACHER,
    MessageForm,
    StartForm,
)
from ..models import Message, Thread, Topic
from ..permissions import (
    can_broadcast,
    can_use_messaging,
    classes_messaged_by,
    may_write_in,
    may_write_to_office,
    teachers_for,
    threads_visible_to,
)
from ..refusals import refusal_for
from ..routing import Offer, offer_for
from ..selectors import inbox, ready_replies_for, thread_page
from ..services.messages import (
    check_body,
    message_reply,
    message_start,
    message_withdraw,
    messages_mark_seen,
    not_allowed_message,
)
from ..services.office import office_meeting_request, office_message_add, office_message_send


def messaging_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For anyone without messaging (pupils, the office, leaders, support staff unless the
    school allows it) these pages do not exist."""

    @wraps(view)
    def wrapper(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_use_messaging(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


SENT = _("Sent.")
PHOTOS_TOO_LARGE = _("The photos were too large to receive (at most %(limit)s in all).")
WITHDRAWN = _("The message is withdrawn.")
MARKED_SEEN = _("Marked as seen: the parent can see that you have read it.")
SENT_TO_OFFICE = _("Sent to the school office. The office answers here.")
MEETING_ASKED = _("Your request for a meeting is with the school office. They answer here.")


@require_http_methods(["GET"])
@messaging_required
def inbox_page(request: AuthedRequest) -> HttpResponse:
    context = {"threads": inbox(request.user), "can_broadcast": can_broadcast(request.user)}
    return render(request, "messaging/inbox.html", context)


def _thread_for(request: AuthedRequest, thread_id: int) -> Thread:
    return get_object_or_404(
        threads_visible_to(request.user).select_related(
            "parent", "teacher", "pupil", "covered_by"
        ),
        pk=thread_id,
    )


def _photos_received(request: AuthedRequest, form: MessageForm) -> bool:
    """False, with the reason on the form, when the photos were too large to receive."""
    if upload_too_large(request):
        form.add_error(
            "photos", PHOTOS_TOO_LARGE % {"limit": filesizeformat(settings.MAX_UPLOAD_BYTES)}
        )
        return False
    return True


def _attempt(form: MessageForm, send: Callable[[], Message]) -> Message | None:
    """Run one send; a refusal becomes the form's error (the draft is kept)."""
    try:
        return send()
    except ValidationError as error:
        photos = any(item.code == "photos" for item in error.error_list)
        form.add_error("photos" if photos else "body", error)
    except PermissionDenied as refused:
        # The refusal names whom to contact: the class teacher, the cover, the office (R18).
        form.add_error(None, str(refused) or not_allowed_message())
    return None


def _to_office(
    request: AuthedRequest, form: MessageForm, *, pupil: Pupil, teacher: User | None
) -> Message | None:
    """The parent chose the office inbox, or a meeting for progress (R22)."""
    body = form.cleaned_data["body"]
    if form.cleaned_data["route"] == ROUTE_MEETING:
        note = MEETING_ASKED
        message = _attempt(
            form,
            lambda: office_meeting_request(
                acting_user=request.user, pupil=pupil, teacher=teacher, body=body
            ),
        )
    else:
        note, topic = SENT_TO_OFFICE, form.cleaned_data["topic"] or Topic.OTHER
        message = _attempt(
            form,
            lambda: office_message_send(
                acting_user=request.user, pupil=pupil, topic=topic, body=body
            ),
        )
    if message is not None:
        flash.success(request, note)
    return message


def _send_or_offer(
    request: AuthedRequest,
    form: MessageForm,
    *,
    pupil: Pupil,
    teacher: User | None,
    to_teacher: Callable[[], Message],
) -> Message | Offer | None:
    """R22 before a parent's message reaches a teacher: a draft that looks like the office's
    is not sent but offered (the office inbox, a meeting, or the teacher anyway), unless the
    parent has already chosen. Returns the message sent, the offer, or None on an error."""
    route = form.cleaned_data["route"]
    if request.user.role != Role.PARENT or route == ROUTE_TEACHER:
        return _attempt(form, to_teacher)
    if route in (ROUTE_OFFICE, ROUTE_MEETING):
        return _to_office(request, form, pupil=pupil, teacher=teacher)
    if not form.cleaned_data["body"].strip() and form.cleaned_data.get("photos"):
        return _attempt(form, to_teacher)  # photos alone: no words to route
    try:
        body = check_body(form.cleaned_data["body"])
        offer = offer_for(body, language=request.user.preferred_language)
    except ValidationError as error:
        form.add_error("body", error)
        return None
    return offer or _attempt(form, to_teacher)


def render_thread(
    request: AuthedRequest, thread: Thread, form: MessageForm, **extra: Any
) -> HttpResponse:
    """The thread page. Opening it marks the other side's messages seen, except for a teacher
    in quiet time, who is told so and may mark them seen with a button (R20)."""
    now = timezone.now()
    office = thread.teacher_id is None
    quiet = request.user.pk == thread.teacher_id and not calendar_for().is_working_time(now)
    if not quiet and request.method == "GET":
        messages_mark_seen(reader=request.user, thread=thread, now=now)
    may_write = (
        may_write_to_office(request.user, thread.pupil)
        if office
        else may_write_in(request.user, thread)
    )
    context = {
        "page": thread_page(request.user, thread, now=now),
        "form": form,
        "quiet": quiet,
        "may_write": may_write,
        "now": now,
        "office_thread": office,
        "ready_replies": ready_replies_for(request.user, thread) if may_write else [],
        "refusal": (
            refusal_for(request.user, thread)
            if not may_write and not office and thread.parent_id and thread.teacher_id
            else ""
        ),
        **extra,
    }
    status = 400 if form.errors or extra.get("error") else 200
    return render(request, "messaging/thread.html", context, status=status)


@require_http_methods(["GET", "POST"])
@messaging_required
def thread_view(request: AuthedRequest, thread_id: int) -> HttpResponse:
    """A conversation with a teacher, or a parent's with the office (R22)."""
    thread = _thread_for(request, thread_id)
    form = MessageForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    offer = None
    if request.method == "POST" and form.is_valid() and _photos_received(request, form):
        body, photos = form.cleaned_data["body"], form.cleaned_data["photos"]
        result: Message | Offer | None
        if thread.teacher_id is None:
            result = _attempt(
                form,
                lambda: office_message_add(acting_user=request.user, thread=thread, body=body),
            )
        else:
            result = _send_or_offer(
                request,
                form,
                pupil=thread.pupil,
                teacher=thread.teacher,
                to_teacher=lambda: message_reply(
                    acting_user=request.user, thread=thread, body=body, photos=photos
                ),
            )
        if isinstance(result, Message):
            if result.thread_id == thread.pk:
                flash.success(request, SENT)
            return redirect("messaging_thread", thread_id=result.thread_id)
        offer = result
    return render_thread(request, thread, form, offer=offer)


@require_POST
@messaging_required
def mark_seen(request: AuthedRequest, thread_id: int) -> HttpResponse:
    thread = _thread_for(request, thread_id)
    messages_mark_seen(reader=request.user, thread=thread)
    flash.success(request, MARKED_SEEN)
    return redirect("messaging_thread", thread_id=thread.pk)


@require_POST
@messaging_required
def withdraw(request: AuthedRequest, message_id: int) -> HttpResponse:
    message = get_object_or_404(
        Message.objects.filter(thread__in=threads_visible_to(request.user)), pk=message_id
    )
    try:
        message_withdraw(acting_user=request.user, message=message)
    except ValidationError as error:
        flash.error(request, error.messages[0])
    else:
        flash.success(request, WITHDRAWN)
    return redirect("messaging_thread", thread_id=message.thread_id)


def _choices(user: User) -> dict[str, tuple[User, Pupil]]:
    """Whom the user may start a conversation with now (R18), keyed for the form: for a
    parent, each child's teachers; for a teacher, the parents of their classes' pupils."""
    if user.role == Role.PARENT:
        children = Pupil.objects.current().filter(parent_links__parent=user)
        return {
            f"{child.pk}-{teacher.pk}": (teacher, child)
            for child in children
            for teacher in teachers_for(user, child)
        }
    links = ParentLink.objects.filter(
        pupil__school_class__in=classes_messaged_by(user), pupil__leaving_date__isnull=True
    ).select_related("parent", "pupil")
    return {f"{link.pupil_id}-{link.parent_id}": (link.parent, link.pupil) for link in links}


@require_http_methods(["GET", "POST"])
@messaging_required
def start(request: AuthedRequest) -> HttpResponse:
    """A new conversation with someone R18 allows now; a parent's draft that looks like the
    office's is offered to the office first (R22)."""
    allowed = _choices(request.user)
    names = display_names([pupil for _other, pupil in allowed.values()])
    labels = [
        (key, f"{other.display_name} – {names.get(pupil.pk, '')}")
        for key, (other, pupil) in allowed.items()
    ]
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    # "Message Mrs Hughes" on a parent's home names whom: a pair R18 does not allow now is not
    # a choice, and the form starts empty.
    form = StartForm(*data, choices=labels, initial={"to": request.GET.get("to", "")})
    offer, offer_teacher = None, None
    if request.method == "POST" and form.is_valid() and _photos_received(request, form):
        other, pupil = allowed[form.cleaned_data["to"]]
        body, photos = form.cleaned_data["body"], form.cleaned_data["photos"]
        result = _send_or_offer(
            request,
            form,
            pupil=pupil,
            teacher=other if request.user.role == Role.PARENT else request.user,
            to_teacher=lambda: message_start(
                acting_user=request.user, other=other, pupil=pupil, body=body, photos=photos
            ),
        )
        if isinstance(result, Message):
            return redirect("messaging_thread", thread_id=result.thread_id)
        offer, offer_teacher = result, other
    context = {
        "form": form,
        "office_note": not_allowed_message(),
        "nobody": not allowed,
        "offer": offer,
        "offer_teacher": offer_teacher,
    }
    return render(request, "messaging/start.html", context, status=400 if form.errors else 200)
