"""Reminding parents who have not joined yet (issue 21): one email to each address the office
chose, in English and the family's home language (R32, R33: a family without an account has
no language of its own but the one the school's records give).

- An address that bounced before is not tried again: it is reported, and the office fixes it
  in the school's records (and clears it under "bounced email addresses").
- An address the mail server refuses now is recorded as bounced (the same list the portal's
  notifications use) and reported; it is not retried.
- Each address is reminded at most once in ``REMIND_AGAIN_AFTER``: two office staff sending at
  the same moment send one email, because each address is claimed under a row lock first.
- A send that fails for another reason (the mail server is down) gives its claim back, so
  trying again later sends it: nothing is marked reminded that was not sent.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from classes.selectors import school_get
from notifications.models import BouncedAddress

from ..models import FamilyContact
from ..permissions import can_manage_consent
from ..selectors.contacts import ContactState, not_joined
from .emails import FamilyTemplates, family_email

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

logger = logging.getLogger(__name__)

REMIND_AGAIN_AFTER = dt.timedelta(days=1)


@dataclass
class ReminderOutcome:
    """What happened to each address chosen (each list holds addresses)."""

    sent: list[str] = field(default_factory=list)
    bounced: list[str] = field(default_factory=list)
    reminded_recently: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _claim(ids: list[int], now: dt.datetime) -> dict[int, dt.datetime | None]:
    """Mark the addresses not reminded lately as reminded ``now``, under a row lock; returns
    each claimed id with when it was reminded before (to give a failed send's claim back)."""
    due = Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - REMIND_AGAIN_AFTER)
    with transaction.atomic():
        rows = dict(
            FamilyContact.objects.select_for_update(of=("self",))
            .filter(due, pk__in=ids)
            .order_by("pk")
            .values_list("pk", "reminded_at")
        )
        FamilyContact.objects.filter(pk__in=rows).update(reminded_at=now)
    return rows


def _give_back(contact: FamilyContact, before: dt.datetime | None, now: dt.datetime) -> None:
    FamilyContact.objects.filter(pk=contact.pk, reminded_at=now).update(reminded_at=before)


def _bounced(contact: FamilyContact, error: Exception) -> None:
    BouncedAddress.objects.update_or_create(
        email=contact.email.lower(),
        defaults={"reason": str(error)[:200], "bounced_at": timezone.now()},
    )


def join_reminders_send(*, acting_user: User, contact_ids: Iterable[int]) -> ReminderOutcome:
    """Email a reminder to join to each chosen address of a family not yet joined (office and
    leaders only). Sends outside any transaction; see the module for what is not sent."""
    if not can_manage_consent(acting_user):
        raise PermissionDenied
    contacts: list[WithAnnotations[FamilyContact, ContactState]] = list(
        not_joined().filter(pk__in=list(contact_ids)).order_by("pk")
    )
    outcome = ReminderOutcome(bounced=[c.email for c in contacts if c.bounced])
    sendable = [c for c in contacts if not c.bounced]
    now = timezone.now()
    claimed = _claim([c.pk for c in sendable], now)
    outcome.reminded_recently = [c.email for c in sendable if c.pk not in claimed]
    school, templates = school_get(), FamilyTemplates.load("join_reminder")
    join_link = f"{settings.SITE_URL}{reverse('join')}"
    with get_connection() as connection:
        for contact in (c for c in sendable if c.pk in claimed):
            pupil = contact.pupil
            context = {
                "school": school,
                "first_name": pupil.first_name,
                "class_name": pupil.school_class.name if pupil.school_class else "",
                "join_link": join_link,
            }
            message = family_email(
                pupil=pupil, templates=templates, context=context, to=contact.email, school=school
            )
            try:
                connection.send_messages([message])
            except smtplib.SMTPRecipientsRefused as error:
                _bounced(contact, error)
                _give_back(contact, claimed[contact.pk], now)
                outcome.bounced.append(contact.email)
            except Exception:  # the mail server failed: the claim is given back, try later
                logger.warning("could not send a join reminder", exc_info=True)
                _give_back(contact, claimed[contact.pk], now)
                outcome.failed.append(contact.email)
            else:
                outcome.sent.append(contact.email)
    return outcome
