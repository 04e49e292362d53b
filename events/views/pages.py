"""The event pages (R35): the Upcoming list, an event with its replies, creating one, and the
author's one reminder. Thin: parse, one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthedRequest
from accounts.models import Role
from classes.models import Pupil, SchoolClass
from classes.selectors import school_get, staff_classes
from stories.models import Audience

from ..forms import EventForm, ReplyForm
from ..models import Event
from ..permissions import (
    can_change_event,
    can_create_event_for_class,
    can_create_school_event,
    can_have_calendar_feed,
    get_event_for,
)
from ..selectors import event_page, upcoming_for
from ..services.events import event_create, event_update
from ..services.replies import NOT_AN_ANSWER, event_remind, reply_set

CREATED = _("The event is posted. Families can reply on its page.")
UPDATED = _("Saved.")
SAVED = _("Your answer is saved. You can change it until replies close.")


def event_or_404(request: AuthedRequest, event_id: int) -> Event:
    try:
        return get_event_for(request.user, event_id)
    except Event.DoesNotExist:
        raise Http404 from None


@require_http_methods(["GET"])
def upcoming(request: AuthedRequest) -> HttpResponse:
    """The next events the viewer may see and the school's next closures."""
    if request.user.role == Role.PUPIL:
        raise Http404
    school = school_get()
    today = timezone.now().astimezone(school.tz).date()
    classes = []
    if request.user.role in (Role.TEACHER, Role.SUPPORT, Role.LEADER):
        classes = staff_classes(request.user)
    context = {
        "items": upcoming_for(viewer=request.user, today=today),
        "classes": classes,
        "school_event": can_create_school_event(request.user),
        "feed": can_have_calendar_feed(request.user),
    }
    return render(request, "events/upcoming.html", context)


def _create_page(request: AuthedRequest, school_class: SchoolClass | None) -> HttpResponse:
    form = EventForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = event_create(
                acting_user=request.user,
                audience=Audience.CLASS if school_class else Audience.SCHOOL,
                school_class=school_class,
                **data,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, CREATED)
            return redirect("events_event", event_id=event.pk)
    context = {"form": form, "school_class": school_class}
    return render(request, "events/new.html", context, status=400 if form.errors else 200)


def _add_errors(form: EventForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else "details", errors)
    else:
        form.add_error("details", error)


@require_http_methods(["GET", "POST"])
def new_class_event(request: AuthedRequest, class_id: int) -> HttpResponse:
    school_class = get_object_or_404(SchoolClass, pk=class_id)
    if not can_create_event_for_class(request.user, school_class):
        raise Http404
    return _create_page(request, school_class)


@require_http_methods(["GET", "POST"])
def new_school_event(request: AuthedRequest) -> HttpResponse:
    if not can_create_school_event(request.user):
        raise Http404
    return _create_page(request, None)


def _initial(found: Event) -> dict[str, object]:
    names = ("title", "starts_on", "all_day", "starts_at", "ends_at", "place", "bring", "reply_by")
    initial: dict[str, object] = {name: getattr(found, name) for name in names}
    initial["ends_on"] = found.ends_on if found.ends_on != found.starts_on else None
    initial["details"] = found.post.body if found.post.body != found.title else ""
    return initial


@require_http_methods(["GET", "POST"])
def edit_event(request: AuthedRequest, event_id: int) -> HttpResponse:
    """The author moves or corrects the event; the answers given stay."""
    found = event_or_404(request, event_id)
    if not can_change_event(request.user, found):
        raise Http404
    form = EventForm(request.POST if request.method == "POST" else None, initial=_initial(found))
    if request.method == "POST" and form.is_valid():
        try:
            event_update(acting_user=request.user, event=found, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, UPDATED)
            return redirect("events_event", event_id=found.pk)
    context = {"form": form, "event": found, "school_class": found.post.school_class}
    return render(request, "events/new.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET"])
def event(request: AuthedRequest, event_id: int) -> HttpResponse:
    found = event_or_404(request, event_id)
    school = school_get()
    page = event_page(viewer=request.user, event=found, tz=school.tz, now=timezone.now())
    context = {"page": page, "event": found, "may_edit": can_change_event(request.user, found)}
    return render(request, "events/event.html", context)


@require_POST
def reply(request: AuthedRequest, event_id: int) -> HttpResponse:
    found = event_or_404(request, event_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, NOT_AN_ANSWER)
        return redirect("events_event", event_id=found.pk)
    pupil = Pupil.objects.filter(pk=form.cleaned_data["pupil"]).first()
    try:
        if pupil is None:
            raise ValidationError(NOT_AN_ANSWER)
        reply_set(
            acting_user=request.user, event=found, pupil=pupil, answer=form.cleaned_data["answer"]
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, SAVED)
    return redirect("events_event", event_id=found.pk)


@require_POST
def remind(request: AuthedRequest, event_id: int) -> HttpResponse:
    found = event_or_404(request, event_id)
    try:
        told = event_remind(acting_user=request.user, event=found)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            ngettext(
                "The reminder is sent to %(count)s family.",
                "The reminder is sent to %(count)s families.",
                told,
            )
            % {"count": told},
        )
    return redirect("events_event", event_id=found.pk)
