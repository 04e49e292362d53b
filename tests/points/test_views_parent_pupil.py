"""Pages of points (R26): a parent sees their child, a pupil sees themself, staff see the class.
Everyone else gets 404, and nothing ranks children for parents or pupils."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from classes.models import Pupil, SchoolClass
from points.models import Award, Skill, SkillKind
from tests.conftest import client_for, pupil_client_for
from tests.factories import (
    OfficeFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
    give_picture_code,
)

pytestmark = pytest.mark.django_db


def skill(name: str = "Curiosity") -> Skill:
    return Skill.objects.get(name=name, school_class=None)


def give(
    pupil: Pupil, skill: Skill, *, days_ago: int = 0, note: str = "", by: User | None = None
) -> Award:
    assert pupil.school_class is not None
    return Award.objects.create(
        pupil=pupil,
        school_class=pupil.school_class,
        skill=skill,
        value=skill.value,
        note=note,
        awarded_by=by,
        awarded_at=timezone.now() - timedelta(days=days_ago),
    )


def bulk_give(pupils: list[Pupil], how_many: int) -> None:
    curiosity = skill()
    school_class = pupils[0].school_class
    assert school_class is not None
    now = timezone.now()
    Award.objects.bulk_create(
        (
            Award(
                pupil=pupils[n % len(pupils)],
                school_class=school_class,
                skill=curiosity,
                value=1,
                note=f"Note {n}",
                awarded_at=now - timedelta(seconds=n % 40_000),  # all in the last 7 days
            )
            for n in range(how_many)
        ),
        batch_size=5000,
    )


@pytest.fixture
def maya(parent_with_child) -> Pupil:
    return parent_with_child[1]


@pytest.fixture
def parent(parent_with_child) -> User:
    return parent_with_child[0]


def child_url(pupil: Pupil, period: str = "") -> str:
    url = reverse("points_child", args=[pupil.pk])
    return f"{url}?period={period}" if period else url


def test_R26_parent_sees_child_totals_breakdown_and_notes(
    school, parent: User, maya: Pupil, teacher: User
) -> None:
    give(maya, skill(), note="Asked brilliant questions about magnets", by=teacher)
    give(maya, skill("Creativity"), days_ago=1)
    give(maya, skill("Creativity"), days_ago=200)

    response = client_for(parent).get(child_url(maya))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Maya’s points" in page
    totals = response.context["summary"].totals
    assert (totals.today, totals.all_time) == (1, 3)
    assert "Asked brilliant questions about magnets" in page
    assert "Mrs Patel" in page
    assert [(s.name, s.count) for s in response.context["skills"]] == [
        ("Creativity", 1),
        ("Curiosity", 1),
    ]
    assert 'role="img"' in page and "<table>" in page


def test_R26_parent_page_shows_the_chosen_period(school, parent: User, maya: Pupil) -> None:
    give(maya, skill("Creativity"), days_ago=20)

    week = client_for(parent).get(child_url(maya, "week"))
    month = client_for(parent).get(child_url(maya, "month"))

    assert week.context["skills"] == []
    assert "No points yet." in week.content.decode()
    assert [s.points for s in month.context["skills"]] == [1]
    assert 'href="?period=month" aria-current="page"' in month.content.decode()


def test_R26_parent_sees_nothing_of_other_children(
    school, parent: User, maya: Pupil, school_class: SchoolClass
) -> None:
    classmate = PupilFactory(school_class=school_class, first_name="Zebedee")
    for _n in range(7):
        give(classmate, skill())
    give(maya, skill())

    page = client_for(parent).get(child_url(maya)).content.decode()

    assert "Zebedee" not in page
    for word in ("rank", "Top ", "position", "class average"):
        assert word not in page


def test_R26_another_familys_child_is_404(school, parent: User, school_class) -> None:
    other = PupilFactory(school_class=school_class)
    assert client_for(parent).get(child_url(other)).status_code == 404
    assert client_for(parent).get(reverse("points_child", args=[999_999])).status_code == 404


def test_R26_class_staff_and_office_see_a_child_other_class_teacher_does_not(
    school, teacher: User, maya: Pupil
) -> None:
    other_teacher = assign_teacher(TeacherFactory(), SchoolClassFactory())
    assert client_for(teacher).get(child_url(maya)).status_code == 200
    assert client_for(OfficeFactory()).get(child_url(maya)).status_code == 200
    assert client_for(other_teacher).get(child_url(maya)).status_code == 404


def test_R26_parent_home_links_to_each_childs_points(school, parent: User, maya: Pupil) -> None:
    page = client_for(parent).get(reverse("home")).content.decode()
    assert f'href="{child_url(maya)}"' in page
    assert "Points for Maya" in page


def pupil_client(pupil: Pupil):
    give_picture_code(pupil)
    assert pupil.user is not None
    return pupil_client_for(pupil.user)


def test_R26_pupil_sees_their_own_points_kindly(school, maya: Pupil, school_class) -> None:
    classmate = PupilFactory(school_class=school_class, first_name="Zebedee")
    give(classmate, skill())
    give(maya, skill())
    give(maya, skill())
    calling_out = Skill.objects.create(
        name="Calling out", kind=SkillKind.NEEDS_WORK, value=-1, icon="x"
    )
    give(maya, calling_out)

    response = pupil_client(maya).get(reverse("pupil_points"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Well done, Maya!" in page
    assert "Things to work on" in page and "Calling out" in page
    assert response.context["summary"].totals.today == 1
    assert "Zebedee" not in page


def test_R26_pupil_cannot_see_another_childs_page(school, maya: Pupil, school_class) -> None:
    classmate = PupilFactory(school_class=school_class)
    client = pupil_client(maya)
    assert client.get(child_url(classmate)).status_code == 404
    assert client.get(child_url(maya)).status_code == 404
    assert client.get(reverse("points_class_report", args=[school_class.pk])).status_code == 404


def test_R26_adults_have_no_pupil_points_page(school, parent: User, teacher: User) -> None:
    assert client_for(parent).get(reverse("pupil_points")).status_code == 404
    assert client_for(teacher).get(reverse("pupil_points")).status_code == 404


def report_url(school_class: SchoolClass, name: str = "points_class_report") -> str:
    return reverse(name, args=[school_class.pk])


def test_R26_class_staff_see_the_class_report_by_name(
    school, teacher: User, school_class: SchoolClass
) -> None:
    zara = PupilFactory(school_class=school_class, first_name="Zara", surname="Quillfeather")
    amir = PupilFactory(school_class=school_class, first_name="Amir")
    give(zara, skill())
    give(zara, skill())
    give(amir, skill("Creativity"))

    response = client_for(teacher).get(report_url(school_class))

    assert response.status_code == 200
    page = response.content.decode()
    assert [(r.display_name, r.points) for r in response.context["pupils"]] == [
        ("Amir", 1),
        ("Zara", 2),
    ]
    assert "Quillfeather" not in page
    assert page.count('role="img"') == 2
    assert report_url(school_class, "points_class_csv") in page


def test_R26_class_report_is_404_to_others(
    school, parent: User, maya: Pupil, school_class: SchoolClass
) -> None:
    other_teacher = assign_teacher(TeacherFactory(), SchoolClassFactory())
    for name in ("points_class_report", "points_class_csv"):
        assert client_for(other_teacher).get(report_url(school_class, name)).status_code == 404
        assert client_for(parent).get(report_url(school_class, name)).status_code == 404
    assert client_for(OfficeFactory()).get(report_url(school_class)).status_code == 200


def test_R26_csv_export_neutralises_formulas(
    school, teacher: User, maya: Pupil, school_class: SchoolClass
) -> None:
    give(maya, skill(), note='=HYPERLINK("http://evil.example","Click")', by=teacher)

    response = client_for(teacher).get(
        report_url(school_class, "points_class_csv") + "?period=term"
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Date", "Pupil", "Skill", "Points", "Note for parents", "Given by"]
    assert rows[1][1:] == [
        "Maya",
        "Curiosity",
        "1",
        '\'=HYPERLINK("http://evil.example","Click")',
        "Mrs Patel",
    ]


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


# A hundred times as many awards as the first count: a query per award would show. Speed is
# measured in benchmarks/, not here.
MANY = 10_000


def test_R26_parent_page_query_count_does_not_grow_with_awards(
    school, parent: User, maya: Pupil, django_assert_num_queries
) -> None:
    client = client_for(parent)
    bulk_give([maya], 100)
    client.get(child_url(maya))  # warm the session and the school
    few = count_queries(client, child_url(maya, "week"))
    bulk_give([maya], MANY - 100)
    with django_assert_num_queries(few):
        response = client.get(child_url(maya, "week"))
    assert response.context["summary"].totals.all_time == MANY


def test_R26_class_report_query_count_does_not_grow_with_awards(
    school, teacher: User, school_class: SchoolClass, django_assert_num_queries
) -> None:
    pupils = [PupilFactory.create(school_class=school_class) for _n in range(10)]
    client = client_for(teacher)
    bulk_give(pupils, 100)
    client.get(report_url(school_class))
    few = count_queries(client, report_url(school_class, "points_class_report") + "?period=week")
    bulk_give(pupils, MANY - 100)
    with django_assert_num_queries(few):
        response = client.get(report_url(school_class) + "?period=week")
    assert sum(row.count for row in response.context["pupils"]) == MANY
