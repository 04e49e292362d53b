"""What waits for the office from the accounts app (see ``core.today``): third carers' requests
and pupils' picture codes locked after too many tries."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from core.today import TodayItem, today_register

from .models import ExtraParentRequest, PupilLogin
from .permissions.accounts import can_manage_accounts


def third_carer_requests(user: Any) -> TodayItem | None:
    if not can_manage_accounts(user):
        return None
    pending = ExtraParentRequest.Status.PENDING
    count = ExtraParentRequest.objects.filter(status=pending).count()
    url = reverse("admin:accounts_extraparentrequest_changelist") + f"?status__exact={pending}"
    return TodayItem(_("Requests from a third carer to decide"), count, url)


def locked_picture_codes(user: Any) -> TodayItem | None:
    if not can_manage_accounts(user):
        return None
    count = PupilLogin.objects.filter(locked_at__isnull=False).count()
    url = reverse("admin:accounts_pupillogin_changelist") + "?locked=yes"
    return TodayItem(_("Pupils' picture codes locked"), count, url)


def register() -> None:
    today_register(third_carer_requests)
    today_register(locked_picture_codes)
