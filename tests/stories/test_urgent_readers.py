"""Who has read an urgent School Story post (issue 21): every parent with a child at the school,
read or not, for the latest urgent post or the one chosen; printable and as CSV; the same
number of queries at two sizes; nobody but the office and leaders sees it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from classes.models import SchoolClass
from stories.models import Audience, Post, PostSeen
from tests.conftest import client_for
from tests.factories import (
    OfficeFactory,
    ParentFactory,
    ParentLinkFactory,
    PupilFactory,
    TeacherFactory,
    with_totp,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:stories_urgentnoticereader_changelist")
PRINT_URL = reverse("admin:stories_urgentnoticereader_print")
CSV_URL = reverse("admin:stories_urgentnoticereader_csv")


@pytest.fixture
def office(school: Any) -> User:
    office = OfficeFactory()
    with_totp(office)
    return office


@pytest.fixture
def office_client(office: User) -> Client:
    return client_for(office)


def urgent(author: User, body: str, hours_ago: int = 1) -> Post:
    return Post.objects.create(
        audience=Audience.SCHOOL,
        urgent=True,
        author=author,
        body=body,
        language="en-gb",
        published_at=timezone.now() - dt.timedelta(hours=hours_ago),
    )


def parent_in(school_class: SchoolClass, first_name: str, last_name: str) -> User:
    parent = ParentFactory(first_name=first_name, last_name=last_name)
    ParentLinkFactory(parent=parent, pupil=PupilFactory(school_class=school_class))
    return parent


def test_the_latest_urgent_post_lists_who_read_it_and_who_did_not(
    office: User, office_client: Client, school_class: SchoolClass
) -> None:
    older = urgent(office, "Water off on Monday", hours_ago=30)
    snow = urgent(office, "School closed today: snow")
    ada = parent_in(school_class, "Ada", "Read")
    parent_in(school_class, "Ben", "Unread")
    gone = ParentFactory(first_name="Cy", last_name="Left")
    ParentLinkFactory(parent=gone, pupil=PupilFactory(school_class=None))
    PostSeen.objects.create(post=snow, user=ada)
    PostSeen.objects.create(post=older, user=gone)

    lines = office_client.get(CSV_URL).content.decode("utf-8-sig").splitlines()
    when = timezone.localtime().strftime("%-d %b %Y")
    assert lines[0] == "name,email address,preferred language,read"
    assert lines[1].startswith("Ada Read,") and lines[1].endswith(f",Read {when}")
    assert lines[2].startswith("Ben Unread,") and lines[2].endswith(",Not read")
    assert len(lines) == 3  # a parent with no child at the school now is not listed

    not_read = office_client.get(PRINT_URL, {"read": "no"}).content.decode()
    assert "Ben Unread" in not_read and "Ada Read" not in not_read
    earlier = office_client.get(CSV_URL, {"post": older.pk}).content.decode("utf-8-sig")
    assert "Ada Read" in earlier and "Not read" in earlier.splitlines()[1]


def test_with_no_urgent_post_the_list_says_so_and_is_empty(office_client: Client) -> None:
    response = office_client.get(LIST_URL, follow=True)
    assert "No urgent School Story post has been published yet." in response.content.decode()
    assert list(response.context["cl"].result_list) == []


def test_a_teacher_cannot_see_who_read_what(school: Any) -> None:
    teacher_client = client_for(TeacherFactory())
    for url in (LIST_URL, PRINT_URL, CSV_URL):
        assert teacher_client.get(url).status_code in {302, 403, 404}


def test_the_readers_list_takes_the_same_queries_at_two_sizes(
    office: User,
    office_client: Client,
    school_class: SchoolClass,
    django_assert_num_queries: Any,
) -> None:
    post = urgent(office, "Closed")
    for index in range(2):
        PostSeen.objects.create(post=post, user=parent_in(school_class, f"A{index}", "X"))
    office_client.get(LIST_URL)
    few = {}
    for url in (LIST_URL, PRINT_URL, CSV_URL):
        with CaptureQueriesContext(connection) as queries:
            assert office_client.get(url).status_code == 200
        few[url] = len(queries)
    for index in range(25):
        reader = parent_in(school_class, f"B{index}", "Y")
        if index % 2:
            PostSeen.objects.create(post=post, user=reader)
    for url in (LIST_URL, PRINT_URL, CSV_URL):
        with django_assert_num_queries(few[url]):
            assert office_client.get(url).status_code == 200
