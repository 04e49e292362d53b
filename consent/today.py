"""What waits for the office from the consent app (see ``core.today``): parents the school's
records name who have not joined yet and have never been reminded."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from core.today import TodayItem, today_register

from .permissions import can_manage_consent
from .selectors.contacts import not_joined


def parents_not_reminded(user: Any) -> TodayItem | None:
    if not can_manage_consent(user):
        return None
    count = not_joined().filter(reminded_at__isnull=True, bounced=False).count()
    url = reverse("admin:consent_familycontact_changelist") + "?reminded=never"
    return TodayItem(_("Parents not yet joined and never reminded"), count, url)


def register() -> None:
    today_register(parents_not_reminded)
