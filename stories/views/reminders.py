"""Weekly reminder posts of a class (or of the school), set and stopped by their author (R29)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthedRequest
from classes.models import SchoolClass

from ..forms import ReminderForm
from ..models import Audience, Reminder
from ..permissions import can_post_to_class, can_post_to_school
from ..services.reminders import reminder_create, reminder_restart, reminder_stop
from .compose import add_service_errors

REMINDER_SET = _("The reminder is set: it will be posted every week.")
REMINDER_STOPPED = _("The reminder is stopped. Posts it made stay.")
REMINDER_RESTARTED = _("The reminder is back on: it will be posted every week again.")
# The reminder its author has just stopped, kept in the session so that its page offers Undo.
UNDO_KEY = "reminder_stopped"


def _page(request: AuthedRequest, school_class: SchoolClass | None) -> HttpResponse:
    audience = Audience.CLASS if school_class else Audience.SCHOOL
    form = ReminderForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            reminder_create(
                acting_user=request.user,
                audience=audience,
                school_class=school_class,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, REMINDER_SET)
            return redirect(request.path)
    reminders = (
        Reminder.objects.filter(audience=audience, school_class=school_class, active=True)
        .select_related("author")
        .order_by("weekday", "time_of_day")
    )
    context = {
        "form": form,
        "school_class": school_class,
        "reminders": list(reminders),
        "undo": _undoable(request, audience, school_class),
    }
    return render(request, "stories/reminders.html", context, status=400 if form.errors else 200)


def _undoable(
    request: AuthedRequest, audience: str, school_class: SchoolClass | None
) -> Reminder | None:
    """The reminder of this page its author has just stopped, to offer Undo; None else."""
    stopped = request.session.get(UNDO_KEY)
    if stopped is None:
        return None
    return Reminder.objects.filter(
        pk=stopped,
        author=request.user,
        active=False,
        audience=audience,
        school_class=school_class,
    ).first()


def _back(reminder: Reminder) -> HttpResponse:
    if reminder.school_class_id:
        return redirect("stories_class_reminders", class_id=reminder.school_class_id)
    return redirect("stories_school_reminders")


@require_http_methods(["GET", "POST"])
def class_reminders(request: AuthedRequest, class_id: int) -> HttpResponse:
    school_class = get_object_or_404(SchoolClass, pk=class_id)
    if not can_post_to_class(request.user, school_class):
        raise Http404
    return _page(request, school_class)


@require_http_methods(["GET", "POST"])
def school_reminders(request: AuthedRequest) -> HttpResponse:
    if not can_post_to_school(request.user):
        raise Http404
    return _page(request, None)


@require_POST
def stop(request: AuthedRequest, reminder_id: int) -> HttpResponse:
    reminder = get_object_or_404(Reminder, pk=reminder_id, active=True)
    try:
        reminder_stop(acting_user=request.user, reminder=reminder)
    except PermissionDenied:
        raise Http404 from None
    request.session[UNDO_KEY] = reminder.pk
    messages.success(request, REMINDER_STOPPED)
    return _back(reminder)


@require_POST
def restart(request: AuthedRequest, reminder_id: int) -> HttpResponse:
    """Undo of "stop this reminder", by its author."""
    reminder = get_object_or_404(Reminder, pk=reminder_id, author=request.user)
    try:
        reminder_restart(acting_user=request.user, reminder=reminder)
    except PermissionDenied:
        raise Http404 from None
    request.session.pop(UNDO_KEY, None)
    messages.success(request, REMINDER_RESTARTED)
    return _back(reminder)
