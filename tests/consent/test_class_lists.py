"""Class lists to print and download (issue 21): current pupils of the chosen class by display
name (R6), with how many parents joined, in the same number of queries at two sizes."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from classes.models import SchoolClass
from tests.conftest import client_for
from tests.factories import (
    OfficeFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    with_totp,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:consent_classlistpupil_changelist")
PRINT_URL = reverse("admin:consent_classlistpupil_print")
CSV_URL = reverse("admin:consent_classlistpupil_csv")


@pytest.fixture
def office_client(school: Any) -> Client:
    office: User = OfficeFactory()
    with_totp(office)
    return client_for(office)


def test_R6_a_printed_class_list_names_pupils_by_display_name_only(
    office_client: Client, school_class: SchoolClass
) -> None:
    amir_k = PupilFactory(school_class=school_class, first_name="Amir", surname="Khan")
    PupilFactory(school_class=school_class, first_name="Amir", surname="Kowalski")
    PupilFactory(school_class=school_class, first_name="Zoe", surname="Ashworth")
    PupilFactory(school_class=SchoolClassFactory(name="Elm"), first_name="Nia")
    PupilFactory(school_class=None, first_name="Gone")
    ParentLinkFactory(pupil=amir_k)
    page = office_client.get(PRINT_URL, {"school_class__id__exact": school_class.pk})
    text = page.content.decode()
    assert "Amir Kh." in text and "Amir Ko." in text and "Zoe" in text
    assert "Khan" not in text and "Ashworth" not in text
    assert "Nia" not in text and "Gone" not in text
    lines = (
        office_client.get(CSV_URL, {"school_class__id__exact": school_class.pk})
        .content.decode("utf-8-sig")
        .splitlines()
    )
    assert lines == [
        "class,name,parents or carers joined",
        "Oak,Amir Kh.,1",
        "Oak,Amir Ko.,0",
        "Oak,Zoe,0",
    ]


def test_class_lists_take_the_same_queries_at_two_sizes(
    office_client: Client, school_class: SchoolClass, django_assert_num_queries: Any
) -> None:
    PupilFactory.create_batch(2, school_class=school_class)
    office_client.get(LIST_URL)
    few = {}
    for url in (LIST_URL, PRINT_URL, CSV_URL):
        with CaptureQueriesContext(connection) as queries:
            assert office_client.get(url).status_code == 200
        few[url] = len(queries)
    for pupil in PupilFactory.create_batch(30, school_class=school_class):
        ParentLinkFactory(pupil=pupil)
    for url in (LIST_URL, PRINT_URL, CSV_URL):
        with django_assert_num_queries(few[url]):
            assert office_client.get(url).status_code == 200
