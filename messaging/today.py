"""What waits for the office from messaging (see ``core.today``): open conversations in the
office inbox (R22) and, for leaders, parents' messages past their reply time (R21)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.today import TodayItem, today_register

from .models import Message, Thread
from .overdue import can_see_overdue
from .permissions import can_work_office_inbox


def office_inbox(user: Any) -> TodayItem | None:
    if not can_work_office_inbox(user):
        return None
    count = Thread.objects.filter(teacher__isnull=True, closed_at__isnull=True).count()
    url = reverse("admin:messaging_thread_changelist") + "?closed_at__isempty=1"
    return TodayItem(_("Open conversations in the office inbox"), count, url)


def overdue_replies(user: Any) -> TodayItem | None:
    if not can_see_overdue(user):
        return None
    count = Message.objects.filter(
        from_parent=True,
        reply_due_at__lt=timezone.now(),
        withdrawn_at__isnull=True,
        thread__teacher__isnull=False,
    ).count()
    return TodayItem(
        _("Parents' messages past their reply time"), count, reverse("messaging_overdue")
    )


def register() -> None:
    today_register(office_inbox)
    today_register(overdue_replies)
