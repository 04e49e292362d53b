"""The office's today page is the admin's index: what waits this morning, with counts, each a
link to the admin's list filtered to those rows, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import ExtraParentRequest, PupilLogin, User
from classes.models import Pupil, SchoolClass
from consent.models import FamilyContact
from messaging.models import Thread, Topic
from privacy.models import DataExport, ExportStatus
from tests.conftest import client_for
from tests.factories import (
    ExtraParentRequestFactory,
    LeaderFactory,
    OfficeFactory,
    ParentFactory,
    ParentLinkFactory,
    PupilFactory,
    with_totp,
)

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")


@pytest.fixture
def office(school: Any) -> User:
    office = OfficeFactory()
    with_totp(office)
    return office


def waiting(page: str) -> dict[str, tuple[str, str]]:
    """Each row of the page: its label → (link, count as shown)."""
    rows = re.findall(
        r'<tr class="today-item[^"]*"><th scope="row"><a href="([^"]+)">([^<]+)</a></th>'
        r"<td>(?:<strong>)?([^<]+)",
        page,
    )
    return {html.unescape(label): (html.unescape(url), count) for url, label, count in rows}


def add_waiting_work(pupil: Pupil, n: int) -> None:
    for _i in range(n):
        ExtraParentRequestFactory(pupil=pupil, parent=ParentFactory())
        parent = ParentLinkFactory(pupil=pupil).parent
        Thread.objects.create(parent=parent, pupil=pupil, topic=Topic.ABSENCE)
        FamilyContact.objects.create(
            pupil=pupil, email=f"family{FamilyContact.objects.count()}@example.org"
        )
        PupilLogin.objects.create(
            pupil=PupilFactory(school_class=pupil.school_class),
            code_hash=f"h{pupil.pk}-{_i}-{timezone.now().timestamp()}",
            locked_at=timezone.now(),
        )
        today = timezone.localdate()
        DataExport.objects.create(
            subject=parent,
            requested_on=today - dt.timedelta(days=5),
            deadline=today + dt.timedelta(days=20),
        )


def test_the_admin_index_shows_what_waits_with_links_to_filtered_lists(
    office: User, school_class: SchoolClass
) -> None:
    pupil = PupilFactory(school_class=school_class)
    add_waiting_work(pupil, 2)
    decided = ExtraParentRequestFactory(pupil=pupil, status=ExtraParentRequest.Status.REFUSED)
    today = timezone.localdate()
    DataExport.objects.create(  # due after the month: not yet waiting
        subject=decided.parent,
        requested_on=today,
        deadline=today + dt.timedelta(days=40),
    )
    DataExport.objects.create(  # answered
        subject=decided.parent,
        requested_on=today - dt.timedelta(days=3),
        deadline=today + dt.timedelta(days=3),
        status=ExportStatus.EXPIRED,
    )
    client = client_for(office)
    rows = waiting(client.get(INDEX).content.decode())
    assert {label: count for label, (_url, count) in rows.items()} == {
        "Requests from a third carer to decide": "2",
        "Pupils' picture codes locked": "2",
        "Open conversations in the office inbox": "2",
        "Data requests due within the month": "2",
        "Parents not yet joined and never reminded": "2",
    }
    for _label, (url, count) in rows.items():
        listed = client.get(url)
        assert listed.status_code == 200, url
        assert listed.context["cl"].result_count == int(count), url


def test_nothing_waiting_reads_none(office: User) -> None:
    rows = waiting(client_for(office).get(INDEX).content.decode())
    assert {count for _url, count in rows.values()} == {"none"}


def test_leaders_also_see_overdue_replies(school: Any) -> None:
    leader = LeaderFactory()
    with_totp(leader)
    rows = waiting(client_for(leader).get(INDEX).content.decode())
    assert rows["Parents' messages past their reply time"][0] == reverse("messaging_overdue")


def test_the_today_page_takes_the_same_queries_whatever_waits(
    office: User, school_class: SchoolClass, django_assert_num_queries: Any
) -> None:
    pupil = PupilFactory(school_class=school_class)
    client = client_for(office)
    add_waiting_work(pupil, 1)
    client.get(INDEX)
    with CaptureQueriesContext(connection) as few:
        client.get(INDEX)
    add_waiting_work(pupil, 6)
    with django_assert_num_queries(len(few)):
        client.get(INDEX)
