"""R14: the consent roster — staff see, for each of their classes, who may appear in media and
who may not, by display name (R6), with a mark that does not rely on colour alone; the office
and leaders see every class; nobody else sees any."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from classes.models import Pupil, SchoolClass, YearGroup
from consent.models import MediaStatus
from consent.services.media import looked_after_set, media_consent_record
from tests.conftest import client_for, pupil_client_for
from tests.factories import (
    CoverAssignmentFactory,
    LeaderFactory,
    OfficeFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    SupportFactory,
    assign_support,
    assign_teacher,
    give_picture_code,
)

pytestmark = pytest.mark.django_db

FORM = dt.date(2026, 9, 3)
ENTRY = re.compile(
    r'<li class="roster-entry roster-(?P<kind>yes|no)">'
    r'<span class="roster-mark" aria-hidden="true">(?P<mark>.)</span> '
    r'<span class="roster-name">(?P<name>.*?)</span> '
    r'<span class="roster-status">(?P<status>.*?)</span></li>'
)


def entries(page: str) -> list[tuple[str, str, str]]:
    """(mark, display name, status text) of each roster entry, in page order."""
    return [
        (m["mark"], html.unescape(m["name"]), html.unescape(m["status"]))
        for m in ENTRY.finditer(page)
    ]


def roster_url(school_class: SchoolClass) -> str:
    return reverse("consent_roster_class", args=[school_class.pk])


@pytest.fixture
def office() -> User:
    return OfficeFactory()


def grant(office: User, *pupils: Pupil) -> None:
    media_consent_record(
        acting_user=office, pupils=pupils, status=MediaStatus.GRANTED, form_date=FORM
    )


@pytest.fixture
def oak_pupils(school_class: SchoolClass, office: User) -> dict[str, Pupil]:
    """Oak: one pupil with consent, one withdrawn, one looked-after (consent granted on paper),
    one with no record."""
    pupils = {
        name: PupilFactory.create(school_class=school_class, first_name=name, surname=surname)
        for name, surname in [
            ("Amara", "Okonkwo"),
            ("Bilal", "Hussain"),
            ("Chloe", "Whitfield"),
            ("Dev", "Raman"),
        ]
    }
    grant(office, pupils["Amara"], pupils["Bilal"], pupils["Chloe"])
    media_consent_record(
        acting_user=office, pupils=[pupils["Bilal"]], status=MediaStatus.WITHDRAWN
    )
    looked_after_set(acting_user=office, pupils=[pupils["Chloe"]], looked_after=True)
    return pupils


def test_R14_teacher_sees_own_class_roster_with_marks_and_reasons(
    teacher: User, school_class: SchoolClass, oak_pupils: dict[str, Pupil]
) -> None:
    response = client_for(teacher).get(roster_url(school_class))

    assert response.status_code == 200
    # Those who must not appear come first, then the rest, each group by name.
    assert entries(response.text) == [
        ("✗", "Bilal", "Must not appear — consent withdrawn"),
        ("✗", "Chloe", "Must not appear — looked-after child"),
        ("✗", "Dev", "Must not appear — no consent form"),
        ("✓", "Amara", "May appear in photos"),
    ]
    assert "1 may appear in photos, 3 must not." in response.text
    assert "Photo consent: Oak (Year 3)" in response.text


def test_R6_R14_roster_never_shows_a_surname(
    teacher: User, school_class: SchoolClass, oak_pupils: dict[str, Pupil]
) -> None:
    PupilFactory(school_class=school_class, first_name="Amara", surname="Osei")

    page = client_for(teacher).get(roster_url(school_class)).text

    for pupil in oak_pupils.values():
        assert pupil.surname not in page
    assert "Osei" not in page
    names = {name for _mark, name, _status in entries(page)}
    assert {"Amara Ok.", "Amara Os."} <= names


def test_R14_pupils_who_left_are_not_on_the_roster(
    teacher: User, school_class: SchoolClass
) -> None:
    PupilFactory(school_class=school_class, first_name="Ezra")
    PupilFactory(school_class=school_class, first_name="Farah", leaving_date=dt.date(2026, 7, 20))

    page = client_for(teacher).get(roster_url(school_class)).text

    assert [name for _mark, name, _status in entries(page)] == ["Ezra"]


def test_R14_teacher_cannot_see_another_class_roster(
    teacher: User, oak_pupils: dict[str, Pupil]
) -> None:
    other = SchoolClassFactory(name="Ash")
    PupilFactory(school_class=other, first_name="Grace")

    assert client_for(teacher).get(roster_url(other)).status_code == 404
    assert (
        client_for(teacher).get(reverse("consent_roster_class", args=[999_999])).status_code == 404
    )


def test_R14_support_staff_see_the_roster_of_a_class_they_support(
    school_class: SchoolClass, oak_pupils: dict[str, Pupil]
) -> None:
    helper = assign_support(SupportFactory(), school_class)
    stranger = SupportFactory()

    assert client_for(helper).get(roster_url(school_class)).status_code == 200
    assert client_for(stranger).get(roster_url(school_class)).status_code == 404


def test_R14_covering_teacher_sees_the_roster_only_during_the_cover(
    school_class: SchoolClass, oak_pupils: dict[str, Pupil]
) -> None:
    cover = CoverAssignmentFactory(school_class=school_class)
    client = client_for(cover.teacher)

    assert client.get(roster_url(school_class)).status_code == 200
    index = client.get(reverse("consent_roster")).text
    assert roster_url(school_class) in index

    cover.starts_at = timezone.now() - dt.timedelta(hours=3)
    cover.ends_at = timezone.now() - dt.timedelta(minutes=1)
    cover.save()

    assert client.get(roster_url(school_class)).status_code == 404
    assert roster_url(school_class) not in client.get(reverse("consent_roster")).text


def test_R14_teacher_index_lists_only_their_classes_without_print_all(
    teacher: User, school_class: SchoolClass, oak_pupils: dict[str, Pupil]
) -> None:
    other = SchoolClassFactory(name="Ash")

    response = client_for(teacher).get(reverse("consent_roster"))

    assert response.status_code == 200
    assert roster_url(school_class) in response.text
    assert "1 may appear, 3 must not" in response.text
    assert roster_url(other) not in response.text
    assert reverse("consent_roster_print_all") not in response.text


@pytest.mark.parametrize("make_admin", [OfficeFactory, LeaderFactory])
def test_R14_office_and_leaders_see_every_class_of_the_current_year(
    make_admin: Any, school_class: SchoolClass, oak_pupils: dict[str, Pupil]
) -> None:
    ash = SchoolClassFactory(name="Ash", year_group=YearGroup.RECEPTION)
    last_year = SchoolClassFactory(name="Elm", academic_year=2025)
    client = client_for(make_admin())

    index = client.get(reverse("consent_roster"))

    assert index.status_code == 200
    assert roster_url(school_class) in index.text
    assert roster_url(ash) in index.text
    assert roster_url(last_year) not in index.text
    assert reverse("consent_roster_print_all") in index.text
    assert client.get(roster_url(school_class)).status_code == 200
    assert client.get(roster_url(ash)).status_code == 200


def test_R14_print_all_puts_every_class_of_the_year_on_its_own_page(
    office: User, school_class: SchoolClass, oak_pupils: dict[str, Pupil]
) -> None:
    ash = SchoolClassFactory(name="Ash", year_group=YearGroup.RECEPTION)
    PupilFactory(school_class=ash, first_name="Grace")
    SchoolClassFactory(name="Elm", academic_year=2025)

    response = client_for(office).get(reverse("consent_roster_print_all"))

    assert response.status_code == 200
    sections = re.findall(
        r'<section class="roster" aria-labelledby="roster-(\d+)">', response.text
    )
    assert sections == [str(ash.pk), str(school_class.pk)]  # Reception before Year 3
    assert "Photo consent: Elm" not in response.text
    assert ("✗", "Grace", "Must not appear — no consent form") in entries(response.text)
    assert ("✓", "Amara", "May appear in photos") in entries(response.text)
    assert "css/consent.css" in response.text


def test_R14_print_all_is_for_the_office_and_leaders_only(
    teacher: User, parent_with_child: tuple[User, Pupil]
) -> None:
    url = reverse("consent_roster_print_all")

    assert client_for(teacher).get(url).status_code == 404
    assert client_for(parent_with_child[0]).get(url).status_code == 404
    assert client_for(LeaderFactory()).get(url).status_code == 200


def test_R14_parents_and_pupils_never_see_a_roster(
    school_class: SchoolClass, oak_pupils: dict[str, Pupil]
) -> None:
    parent = ParentLinkFactory(pupil=oak_pupils["Amara"]).parent
    pupil = oak_pupils["Dev"]
    give_picture_code(pupil)
    assert pupil.user is not None

    for client in (client_for(parent), pupil_client_for(pupil.user)):
        assert client.get(roster_url(school_class)).status_code == 404
        assert client.get(reverse("consent_roster")).status_code == 404


def test_R14_anonymous_visitors_are_sent_to_sign_in(school_class: SchoolClass) -> None:
    for url in (reverse("consent_roster"), roster_url(school_class)):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_R14_teacher_home_links_each_class_to_its_roster(
    teacher: User, school_class: SchoolClass
) -> None:
    covered = CoverAssignmentFactory(teacher=teacher).school_class

    page = client_for(teacher).get(reverse("home")).text

    assert page.count("Photo consent for this class") == 2
    assert roster_url(school_class) in page
    assert roster_url(covered) in page


def _fill_class(school_class: SchoolClass, office: User, size: int) -> None:
    pupils = PupilFactory.create_batch(size, school_class=school_class)
    grant(office, *pupils[: size // 2])
    looked_after_set(acting_user=office, pupils=pupils[-1:], looked_after=True)


def _queries(client: Client, url: str) -> int:
    assert client.get(url).status_code == 200  # the school is cached after a first page
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_R14_class_roster_takes_the_same_queries_for_5_and_35_pupils(
    teacher: User, office: User, django_assert_num_queries: Any
) -> None:
    small, large = SchoolClassFactory(), SchoolClassFactory()
    for school_class, size in ((small, 5), (large, 35)):
        assign_teacher(teacher, school_class)
        _fill_class(school_class, office, size)
    client = client_for(teacher)
    few = _queries(client, roster_url(small))

    with django_assert_num_queries(few):
        response = client.get(roster_url(large))

    assert len(entries(response.text)) == 35


def test_R14_index_and_print_all_take_the_same_queries_for_few_and_many_classes(
    office: User, django_assert_num_queries: Any
) -> None:
    _fill_class(SchoolClassFactory(), office, 5)
    client = client_for(office)
    few = {
        name: _queries(client, reverse(name))
        for name in ("consent_roster", "consent_roster_print_all")
    }
    for _ in range(3):
        _fill_class(SchoolClassFactory(), office, 30)

    for name, count in few.items():
        with django_assert_num_queries(count):
            response = client.get(reverse(name))
        assert response.status_code == 200
