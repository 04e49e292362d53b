"""Bulk actions on the consent list, for a class's forms at once (R11, R13).

The office filters the list by class, selects pupils and picks an action. Each action calls a
service ONCE for the whole selection, so taking permission away emits one event (R13).
"Granted" first asks for the date of the forms; "refused" and "withdrawn" first ask the office
to confirm, saying what happens to the posts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts.http import signed_in_user

from ..forms import BulkConfirmForm, BulkGrantForm
from ..models import ConsentPupil, MediaStatus
from ..services.media import looked_after_set, media_consent_record
from .common import add_service_error

POSTS_HIDDEN = _(
    "Posts whose photos, recordings or work samples tag these pupils will be hidden from "
    "parents at once and sent back to their authors to edit or delete. Nothing is deleted."
)
MAY_APPEAR_NOW = _("may appear in media now")
BULK_DONE = {
    MediaStatus.GRANTED.value: ngettext_lazy(
        "Consent recorded as granted for %(count)d pupil.",
        "Consent recorded as granted for %(count)d pupils.",
        "count",
    ),
    MediaStatus.REFUSED.value: ngettext_lazy(
        "Consent recorded as refused for %(count)d pupil.",
        "Consent recorded as refused for %(count)d pupils.",
        "count",
    ),
    MediaStatus.WITHDRAWN.value: ngettext_lazy(
        "Consent recorded as withdrawn for %(count)d pupil.",
        "Consent recorded as withdrawn for %(count)d pupils.",
        "count",
    ),
}
LOOKED_AFTER_DONE = {
    True: ngettext_lazy(
        "%(count)d pupil marked looked-after.", "%(count)d pupils marked looked-after.", "count"
    ),
    False: ngettext_lazy(
        "%(count)d pupil no longer marked looked-after.",
        "%(count)d pupils no longer marked looked-after.",
        "count",
    ),
}
# The page's title and its button, per status.
BULK_PAGES = {
    MediaStatus.GRANTED.value: (_("Record consent granted"), _("Record consent granted")),
    MediaStatus.REFUSED.value: (_("Record consent refused"), _("Yes, record consent refused")),
    MediaStatus.WITHDRAWN.value: (
        _("Record consent withdrawn"),
        _("Yes, record consent withdrawn"),
    ),
}

Pupils = QuerySet[ConsentPupil]
if TYPE_CHECKING:
    ModelAdmin = admin.ModelAdmin[ConsentPupil]


def _bulk_record(
    modeladmin: ModelAdmin,
    request: HttpRequest,
    queryset: Pupils,
    *,
    status: str,
    action: str,
) -> HttpResponse | None:
    """The page that asks (the forms' date, or a confirmation), then ONE service call."""
    form_class = BulkGrantForm if status == MediaStatus.GRANTED else BulkConfirmForm
    form = form_class(request.POST if "confirm" in request.POST else None)
    pupils = list(queryset)
    if form.is_valid():
        try:
            media_consent_record(
                acting_user=signed_in_user(request),
                pupils=pupils,
                status=status,
                form_date=form.cleaned_data["form_date"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            modeladmin.message_user(request, BULK_DONE[status] % {"count": len(pupils)})
            return None
    title, button = BULK_PAGES[status]
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.opts,
        "title": title,
        "button": button,
        "action": action,
        "form": form,
        "pupils": pupils,
        "warning": "" if status == MediaStatus.GRANTED else POSTS_HIDDEN,
        "may_appear_now": MAY_APPEAR_NOW,
    }
    return render(request, "admin/consent/consentpupil/bulk_consent.html", context)


@admin.action(description=_("Record consent granted"), permissions=["change"])
def record_granted(
    modeladmin: ModelAdmin, request: HttpRequest, queryset: Pupils
) -> HttpResponse | None:
    return _bulk_record(
        modeladmin, request, queryset, status=MediaStatus.GRANTED, action="record_granted"
    )


@admin.action(description=_("Record consent refused"), permissions=["change"])
def record_refused(
    modeladmin: ModelAdmin, request: HttpRequest, queryset: Pupils
) -> HttpResponse | None:
    return _bulk_record(
        modeladmin, request, queryset, status=MediaStatus.REFUSED, action="record_refused"
    )


@admin.action(description=_("Record consent withdrawn"), permissions=["change"])
def record_withdrawn(
    modeladmin: ModelAdmin, request: HttpRequest, queryset: Pupils
) -> HttpResponse | None:
    return _bulk_record(
        modeladmin, request, queryset, status=MediaStatus.WITHDRAWN, action="record_withdrawn"
    )


def _bulk_looked_after(
    modeladmin: ModelAdmin, request: HttpRequest, queryset: Pupils, *, looked_after: bool
) -> None:
    pupils = list(queryset)
    looked_after_set(acting_user=signed_in_user(request), pupils=pupils, looked_after=looked_after)
    modeladmin.message_user(request, LOOKED_AFTER_DONE[looked_after] % {"count": len(pupils)})


@admin.action(description=_("Mark looked-after"), permissions=["change"])
def mark_looked_after(modeladmin: ModelAdmin, request: HttpRequest, queryset: Pupils) -> None:
    _bulk_looked_after(modeladmin, request, queryset, looked_after=True)


@admin.action(description=_("Clear looked-after"), permissions=["change"])
def clear_looked_after(modeladmin: ModelAdmin, request: HttpRequest, queryset: Pupils) -> None:
    _bulk_looked_after(modeladmin, request, queryset, looked_after=False)


Action = Callable[..., Any]
ACTIONS: list[Action] = [
    record_granted,
    record_refused,
    record_withdrawn,
    mark_looked_after,
    clear_looked_after,
]
