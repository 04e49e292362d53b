"""A reason of 10,000 characters (issue 21, bad input): suspending in the admin, and a leader's
warning or suspension from the moderation queue, say how long the reason may be, and nothing
changes: no suspension, no warning, the flag still open, nothing in the audit log."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Suspension, User
from audit.models import AuditEntry
from messaging.models import ParentWarning
from messaging.moderation import message_flag, parent_suspend, parent_warn
from messaging.services.messages import message_start
from tests.clock import at
from tests.conftest import client_for
from tests.factories import LeaderFactory, OfficeFactory, ParentFactory, with_totp

pytestmark = pytest.mark.django_db

HUGE = "x" * 10_000
TOO_LONG = "Keep the reason to 500 characters at most (it has 10000)."
TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


def test_R5_suspending_in_the_admin_with_a_huge_reason_says_so_and_suspends_no_one(
    school: Any,
) -> None:
    office = OfficeFactory()
    with_totp(office)
    parent = ParentFactory()
    response = client_for(office).post(
        reverse("admin:accounts_user_changelist"),
        {"action": "suspend", "_selected_action": [parent.pk], "reason": HUGE},
    )
    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    parent.refresh_from_db()
    assert not parent.is_suspended
    assert not Suspension.objects.exists()
    assert not AuditEntry.objects.exists()


def test_R23_a_warning_or_suspension_with_a_huge_reason_changes_nothing(
    parent_with_child: tuple[User, Any], teacher: User
) -> None:
    parent, child = parent_with_child
    with at(TUESDAY_1000):
        rude = message_start(acting_user=parent, other=teacher, pupil=child, body="Useless")
    flag = message_flag(acting_user=teacher, message=rude)
    leader = LeaderFactory()
    with pytest.raises(ValidationError) as refused:
        parent_warn(acting_user=leader, flag=flag, reason=HUGE)
    assert refused.value.messages == [TOO_LONG]
    ParentWarning.objects.create(parent=parent, flag=flag, reason="Earlier", given_by=leader)
    with pytest.raises(ValidationError) as refused:
        parent_suspend(acting_user=leader, flag=flag, reason=HUGE)
    assert refused.value.messages == [TOO_LONG]
    flag.refresh_from_db()
    parent.refresh_from_db()
    assert (flag.decided_at, flag.outcome) == (None, "")
    assert ParentWarning.objects.count() == 1
    assert not parent.is_suspended
    assert not Suspension.objects.exists()


def test_R23_a_warning_asks_for_confirmation_first_and_keeps_the_reason_typed(
    parent_with_child: tuple[User, Any], teacher: User
) -> None:
    parent, child = parent_with_child
    with at(TUESDAY_1000):
        rude = message_start(acting_user=parent, other=teacher, pupil=child, body="Useless")
    flag = message_flag(acting_user=teacher, message=rude)
    leader = LeaderFactory()
    client = client_for(leader)
    url = reverse("messaging_decide", args=[flag.pk])
    page = client.post(url, {"action": "warn", "reason": "Please keep messages polite."})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Give this parent their formal warning?" in text
    assert "Please keep messages polite." in text  # the reason, ready to confirm or change
    assert not ParentWarning.objects.exists()
    assert not AuditEntry.objects.exists()
    done = client.post(
        url, {"action": "warn", "reason": "Please keep messages polite.", "confirm": "yes"}
    )
    assert done.status_code == 302
    assert ParentWarning.objects.get().reason == "Please keep messages polite."
    with at(TUESDAY_1000):
        again = message_start(acting_user=parent, other=teacher, pupil=child, body="Still")
    second = message_flag(acting_user=teacher, message=again)
    huge = client.post(
        reverse("messaging_decide", args=[second.pk]),
        {"action": "suspend", "reason": HUGE, "confirm": "yes"},
        follow=True,
    )
    assert TOO_LONG in huge.content.decode()
    parent.refresh_from_db()
    assert not parent.is_suspended
