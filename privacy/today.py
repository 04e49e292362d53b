"""What waits for the office from data protection (see ``core.today``): requests for a copy of
someone's data not answered yet whose legal deadline falls within the month (R28)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.today import TodayItem, today_register

from .models import UNANSWERED, DataExport
from .permissions.exports import can_manage_exports

WITHIN = dt.timedelta(days=31)


def due_within_the_month() -> Q:
    """Not answered yet, with a deadline at most a month away (or past): the today page's
    count and the data exports list's "Due within the month" filter."""
    return Q(status__in=UNANSWERED, deadline__lte=timezone.localdate() + WITHIN)


def data_requests_due(user: Any) -> TodayItem | None:
    if not can_manage_exports(user):
        return None
    count = DataExport.objects.filter(due_within_the_month()).count()
    url = reverse("admin:privacy_dataexport_changelist") + "?overdue=month"
    return TodayItem(_("Data requests due within the month"), count, url)


def register() -> None:
    today_register(data_requests_due)
