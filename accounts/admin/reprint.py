"""Reprinting a lost invite letter from the admin (R2): the office opens a pupil (or a parent's
link to one), confirms with a reason, and prints the new letter; the earlier letters' codes
stop working. See ``accounts.services.letters``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from classes.models import Pupil

from ..http import signed_in_user
from ..permissions.accounts import can_manage_accounts
from ..selectors.invites import invite_codes_still_working, pupils_for_letters
from ..services.invites import pupil_is_current
from ..services.letters import PUPIL_HAS_LEFT, codes_for_reprint, invite_letter_reprint
from ..services.reasons import REASON_MAX_LENGTH, check_reason
from .invite_actions import build_letters, letters_page

CHOOSE_ONE_PUPIL = _("Choose one pupil to reprint a lost letter for.")


class ReprintForm(forms.Form):
    # No max_length on the field: a reason too long gets the service's message, which says
    # how long it is, rather than being cut off by the browser without a word.
    reason = forms.CharField(
        label=_("Reason (kept in the audit log)"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        initial=_("The letter was lost."),
        help_text=_("At most %(most)s characters.") % {"most": REASON_MAX_LENGTH},
    )

    def clean_reason(self) -> str:
        return check_reason(self.cleaned_data["reason"])


def reprint_url(pupil_id: int) -> str:
    return reverse("admin:classes_pupil_reprint_letter", args=[pupil_id])


def reprint_view(
    modeladmin: admin.ModelAdmin[Pupil], request: HttpRequest, pupil_id: str
) -> HttpResponse:
    """GET: what a reprint will do, and the reason; POST: reprint and show the new letter."""
    if not can_manage_accounts(request.user):
        raise PermissionDenied
    pupil = Pupil.objects.select_related("school_class").filter(pk=pupil_id).first()
    if pupil is None:
        raise Http404
    back = reverse("admin:classes_pupil_change", args=[pupil.pk])
    if not pupil_is_current(pupil):
        modeladmin.message_user(request, PUPIL_HAS_LEFT % {"name": pupil}, messages.ERROR)
        return HttpResponseRedirect(back)
    form = ReprintForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            done = invite_letter_reprint(
                acting_user=signed_in_user(request),
                pupil=pupil,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(back)
        return letters_page(
            request,
            build_letters(pupils_for_letters([done.pupil.pk]), done.made),
            cancelled=done.cancelled,
        )
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Reprint a lost letter"),
        "opts": modeladmin.model._meta,
        "pupil": pupil,
        "form": form,
        "still_working": invite_codes_still_working(pupil).count(),
        "new_codes": codes_for_reprint(pupil),
        "back_url": back,
    }
    return render(request, "admin/accounts/reprint_letter.html", context)


@admin.action(description=_("Reprint a lost letter (cancels the earlier codes)"))
def reprint_lost_letter(
    modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: Any
) -> HttpResponse | None:
    """From a list of pupils (or of parents' links): one row chosen opens its reprint page."""
    pupil_ids = {getattr(row, "pupil_id", row.pk) for row in queryset}
    if len(pupil_ids) != 1:
        modeladmin.message_user(request, CHOOSE_ONE_PUPIL, messages.ERROR)
        return None
    return HttpResponseRedirect(reprint_url(pupil_ids.pop()))
