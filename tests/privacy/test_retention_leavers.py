"""Leavers in the office admin (R28): the selected pupils left today, or the whole of Year 6 at
the end of the school year; the nightly job erases them once their retention has passed."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import formats

from accounts.models import User
from audit.actions import AuditAction
from audit.models import AuditEntry
from classes.models import Pupil, SchoolClass, YearGroup
from privacy.leavers import FUTURE_DATE, pupils_mark_left
from privacy.retention import retention_run
from tests.clock import at
from tests.conftest import client_for
from tests.factories import (
    OfficeFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    with_totp,
)

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
LAST_DAY = dt.datetime(2027, 7, 21, 15, 0, tzinfo=LONDON)
PUPILS_URL = reverse("admin:classes_pupil_changelist")


@pytest.fixture
def office_client(school) -> Client:
    """Signed in on the last day of the school year (a session made today would have expired
    by then)."""
    office = OfficeFactory()
    with_totp(office)
    with at(LAST_DAY):
        return client_for(office)


@pytest.fixture
def year6(school) -> list[Pupil]:
    six_a = SchoolClassFactory(name="6A", year_group=YearGroup.YEAR_6)
    six_b = SchoolClassFactory(name="6B", year_group=YearGroup.YEAR_6)
    return [PupilFactory(school_class=six_a), PupilFactory(school_class=six_b)]


def test_R28_the_office_marks_the_selected_pupils_as_left_today(
    office_client: Client, school_class: SchoolClass
) -> None:
    moving = PupilFactory(school_class=school_class)
    earlier = dt.date(2027, 3, 1)
    gone = PupilFactory(school_class=school_class, leaving_date=earlier)
    with at(LAST_DAY):
        response = office_client.post(
            PUPILS_URL,
            {"action": "mark_left_today", "_selected_action": [moving.pk, gone.pk]},
            follow=True,
        )
    moving.refresh_from_db()
    gone.refresh_from_db()
    assert moving.leaving_date == LAST_DAY.date()
    assert gone.leaving_date == earlier  # already left: keeps its date
    erased = LAST_DAY.date() + dt.timedelta(days=settings.PUPIL_RETENTION_DAYS + 1)
    assert (
        f"1 pupil marked as left on {formats.date_format(LAST_DAY.date(), 'DATE_FORMAT')}: "
        f"their data will be erased on {formats.date_format(erased, 'DATE_FORMAT')}."
    ) in response.content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.PUPIL_LEFT)
    assert entry.subject_label == f"pupil #{moving.pk}"
    assert entry.details == {"leaving_date": "2027-07-21"}


def test_R28_the_whole_of_year_6_leaves_without_ticking_anyone(
    office_client: Client, year6: list[Pupil], school_class: SchoolClass
) -> None:
    year3 = PupilFactory(school_class=school_class)
    with at(LAST_DAY):
        page = office_client.post(PUPILS_URL, {"action": "mark_year6_left", "index": "0"})
        assert page.status_code == 200
        html = page.content.decode()
        assert "2 current pupils are in Year 6." in html
        assert "6A, 6B" in html
        assert not Pupil.objects.filter(leaving_date__isnull=False).exists()  # not yet

        done = office_client.post(
            PUPILS_URL,
            {"action": "mark_year6_left", "index": "0", "leaving_date": "2027-07-21"},
            follow=True,
        )
    assert "2 pupils marked as left" in done.content.decode()
    assert set(Pupil.objects.filter(leaving_date=LAST_DAY.date())) == set(year6)
    year3.refresh_from_db()
    assert year3.leaving_date is None


def test_R28_a_leaving_date_in_the_future_is_refused(
    office_client: Client, year6: list[Pupil]
) -> None:
    with at(LAST_DAY):
        response = office_client.post(
            PUPILS_URL, {"action": "mark_year6_left", "index": "0", "leaving_date": "2027-07-22"}
        )
    assert response.status_code == 400
    assert str(FUTURE_DATE) in response.content.decode()
    assert not Pupil.objects.filter(leaving_date__isnull=False).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.PUPIL_LEFT).exists()


def test_R28_only_the_office_marks_leavers(year6: list[Pupil]) -> None:
    with pytest.raises(PermissionDenied):
        pupils_mark_left(acting_user=TeacherFactory(), pupils=Pupil.objects.all())
    assert not Pupil.objects.filter(leaving_date__isnull=False).exists()


def test_R28_year_6_marked_in_july_is_erased_after_the_retention_period(
    office_client: Client, year6: list[Pupil]
) -> None:
    with at(LAST_DAY):
        office_client.post(
            PUPILS_URL, {"action": "mark_year6_left", "index": "0", "leaving_date": "2027-07-21"}
        )
    days = settings.PUPIL_RETENTION_DAYS
    with at(LAST_DAY + dt.timedelta(days=days)):
        assert retention_run().pupils == 0
    with at(LAST_DAY + dt.timedelta(days=days + 1)):
        assert retention_run().pupils == 2
    assert not Pupil.objects.filter(pk__in=[p.pk for p in year6]).exists()
    assert User.objects.filter(role="office").exists()
