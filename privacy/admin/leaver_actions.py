"""Admin actions on pupils for leavers (R28): mark the selected pupils as left today, or the
whole of Year 6 at the end of the school year (no selection needed; a page confirms how many
and on which date). The work is ``privacy.leavers``'."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.http import signed_in_user
from classes.models import Pupil, SchoolClass

from ..leavers import pupils_mark_left, year6_current
from ..retention import erasure_date

YEAR6_ACTION = "mark_year6_left"
NONE_IN_YEAR6 = _("No current pupil is in a Year 6 class: nobody was marked as left.")


def _report(
    modeladmin: admin.ModelAdmin[Pupil], request: HttpRequest, marked: int, on: dt.date
) -> None:
    text = ngettext(
        "%(count)d pupil marked as left on %(date)s: their data will be erased on %(erased)s.",
        "%(count)d pupils marked as left on %(date)s: their data will be erased on %(erased)s.",
        marked,
    ) % {
        "count": marked,
        "date": formats.date_format(on, "DATE_FORMAT"),
        "erased": formats.date_format(erasure_date(on), "DATE_FORMAT"),
    }
    modeladmin.message_user(request, text)


@admin.action(description=_("Mark the selected pupils as left today"))
def mark_left_today(
    modeladmin: admin.ModelAdmin[Pupil], request: HttpRequest, queryset: QuerySet[Pupil]
) -> None:
    """Pupils already marked as left keep their date."""
    today = timezone.localdate()
    marked = pupils_mark_left(acting_user=signed_in_user(request), pupils=queryset, on=today)
    _report(modeladmin, request, len(marked), today)


class LeavingDateForm(forms.Form):
    leaving_date = forms.DateField(
        label=_("Leaving date"),
        help_text=_("Their last day at school: today, or a day before."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


@admin.action(description=_("Mark the whole of Year 6 as left (end of the school year)"))
def mark_year6_left(
    modeladmin: admin.ModelAdmin[Pupil], request: HttpRequest, queryset: QuerySet[Pupil]
) -> HttpResponse | None:
    """Every current pupil of a Year 6 class, whatever is selected: a page says how many, in
    which classes, and asks for the leaving date."""
    pupils = year6_current()
    form = LeavingDateForm(
        request.POST if "leaving_date" in request.POST else None,
        initial={"leaving_date": timezone.localdate()},
    )
    if form.is_valid():
        on = form.cleaned_data["leaving_date"]
        try:
            marked = pupils_mark_left(acting_user=signed_in_user(request), pupils=pupils, on=on)
        except ValidationError as error:
            form.add_error("leaving_date", error)
        else:
            if not marked:
                modeladmin.message_user(request, NONE_IN_YEAR6, messages.WARNING)
            else:
                _report(modeladmin, request, len(marked), on)
            return None
    context = {
        "form": form,
        "count": pupils.count(),
        "classes": SchoolClass.objects.filter(pupils__in=pupils).distinct().order_by("name"),
        "action": YEAR6_ACTION,
        **modeladmin.admin_site.each_context(request),
    }
    return render(
        request, "admin/accounts/year6_left.html", context, status=400 if form.errors else 200
    )


def without_selection(request: HttpRequest) -> HttpRequest:
    """The Year 6 action needs no ticked pupil (it takes the whole year group): the admin
    refuses an action with nothing selected, so the request is given "all", which the action
    ignores."""
    if (
        request.method != "POST"
        or request.POST.get("action") != YEAR6_ACTION
        or request.POST.getlist(ACTION_CHECKBOX_NAME)
    ):
        return request
    post = request.POST.copy()
    post.setlist(ACTION_CHECKBOX_NAME, ["0"])
    post["select_across"] = "1"
    request.POST = post  # type: ignore[assignment]
    return request


ACTIONS = [mark_left_today, mark_year6_left]
