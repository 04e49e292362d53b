"""Decisions the office confirms with a reason before anything changes: approving or refusing a
third carer's request, reinstating an account. An intermediate page lists what was selected and
asks for the reason; only its second POST, with a valid reason, acts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..services.reasons import REASON_MAX_LENGTH, check_reason

CONFIRM = "confirm"


class ReasonForm(forms.Form):
    # No max_length on the field: a reason too long gets the service's message, which says how
    # long it is, rather than being cut off by the browser without a word.
    reason = forms.CharField(
        label=_("Reason (kept with the decision and in the audit log)"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("At most %(most)s characters.") % {"most": REASON_MAX_LENGTH},
    )

    def clean_reason(self) -> str:
        return check_reason(self.cleaned_data["reason"], required=True)


@dataclass(frozen=True)
class Decision:
    """What the page says: its title, what will happen, and the button that does it."""

    action: str
    title: str | Promise
    explanation: str | Promise
    button: str | Promise


def reason_or_page(
    modeladmin: admin.ModelAdmin[Any],
    request: HttpRequest,
    chosen: Iterable[Any],
    decision: Decision,
) -> tuple[str | None, HttpResponse | None]:
    """``(reason, None)`` once the office has confirmed with a valid reason; otherwise
    ``(None, page)``: the confirmation page, with the form's errors on a second try."""
    confirmed = request.POST.get(CONFIRM) == "yes"
    form = ReasonForm(request.POST if confirmed else None)
    if confirmed and form.is_valid():
        return form.cleaned_data["reason"], None
    rows = list(chosen)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": decision.title,
        "decision": decision,
        "rows": rows,
        "form": form,
        "opts": modeladmin.model._meta,
    }
    return None, render(request, "admin/accounts/confirm_decision.html", context)
