"""The office's pages for the school's structure (R1): TOTP first, staff as object permissions,
and changelists that do not query per row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from classes.models import CoverAssignment, School, SchoolClass
from classes.selectors import classes_assigned_to
from tests.conftest import client_for
from tests.factories import (
    ClosureFactory,
    CoverAssignmentFactory,
    LeaderFactory,
    OfficeFactory,
    ParentFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
    with_totp,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_client(school) -> Client:
    office = OfficeFactory()
    with_totp(office)
    return client_for(office)


def test_R1_office_without_two_factor_is_sent_to_set_it_up(school) -> None:
    response = client_for(OfficeFactory(), two_factor=False).get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin_needs_mfa")


def test_R1_office_with_two_factor_opens_the_admin(office_client: Client) -> None:
    response = office_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Pupils" in response.content.decode()


@pytest.mark.parametrize("factory", [ParentFactory, TeacherFactory])
def test_R1_parents_and_teachers_cannot_use_the_admin(school, factory) -> None:
    user = factory(is_staff=True)  # even a wrongly ticked staff flag is not enough
    with_totp(user)
    response = client_for(user).get(reverse("admin:classes_pupil_changelist"))
    assert response.status_code in {302, 403}
    assert "Pupils" not in response.content.decode()


def test_R1_anonymous_admin_goes_to_the_portal_sign_in(client: Client, school) -> None:
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_staff_assignment_in_the_admin_is_a_guardian_object_permission(
    office_client: Client,
) -> None:
    from django.contrib.auth.models import Permission

    oak = SchoolClassFactory(name="Oak")
    teacher = TeacherFactory()
    teach = Permission.objects.get(codename="teach_class")
    url = reverse("admin:classes_schoolclass_change", args=[oak.pk])
    data = {
        "name": "Oak",
        "year_group": oak.year_group,
        "academic_year": oak.academic_year,
        "class_code": oak.class_code,
        "staff_permissions-TOTAL_FORMS": "1",
        "staff_permissions-INITIAL_FORMS": "0",
        "staff_permissions-0-user": teacher.pk,
        "staff_permissions-0-permission": teach.pk,
        "covers-TOTAL_FORMS": "0",
        "covers-INITIAL_FORMS": "0",
    }
    response = office_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(classes_assigned_to(teacher)) == [oak]
    assert teacher.has_perm("classes.teach_class", oak)


def test_school_working_days_are_edited_as_checkboxes(office_client: Client) -> None:
    school = School.objects.get()
    url = reverse("admin:classes_school_change", args=[school.pk])
    data = {
        "name": "New Village Primary",
        "time_zone": "Europe/London",
        "working_days": ["1", "2", "3", "4"],
        "working_day_starts": "08:30",
        "working_day_ends": "16:00",
        "office_phone": "01632 960100",
        "office_email": "office@example.org",
        "max_recording_minutes": "3",
        "staff_emails_per_day": "6",
    }
    assert office_client.post(url, data).status_code == 302
    school.refresh_from_db()
    assert school.working_days == "1234"
    assert school.staff_emails_per_day == 6  # R31: the office sets it in the admin


def test_a_wrong_time_zone_is_refused_and_nothing_changes(office_client: Client) -> None:
    school = School.objects.get()
    url = reverse("admin:classes_school_change", args=[school.pk])
    data = {
        "name": "Changed",
        "time_zone": "Mars/Olympus",
        "working_days": ["1"],
        "working_day_starts": "08:00",
        "working_day_ends": "17:00",
    }
    response = office_client.post(url, data)
    assert response.status_code == 200
    assert "is not a known time zone" in response.content.decode()
    school.refresh_from_db()
    assert school.name != "Changed"


def test_a_second_school_cannot_be_added(office_client: Client) -> None:
    assert office_client.get(reverse("admin:classes_school_add")).status_code == 403


def _changelist_queries(client: Client, name: str) -> int:
    client.get(reverse(f"admin:{name}_changelist"))  # the school and the gates are cached
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 200
    import sys

    print("\n".join(q["sql"][:150] for q in ctx.captured_queries), file=sys.stderr)
    return len(ctx.captured_queries)


def _grow(size: int) -> None:
    for _ in range(size):
        school_class = SchoolClassFactory()
        assign_teacher(TeacherFactory(), school_class)
        PupilFactory.create_batch(3, school_class=school_class)
        CoverAssignmentFactory(school_class=school_class)
        ClosureFactory()


@pytest.mark.parametrize(
    "name",
    [
        "classes_schoolclass",
        "classes_pupil",
        "classes_coverassignment",
        "classes_closure",
        "accounts_user",
        "accounts_parentlink",
    ],
)
def test_changelists_do_not_query_per_row(office_client: Client, name: str) -> None:
    _grow(2)
    small = _changelist_queries(office_client, name)
    _grow(10)
    assert _changelist_queries(office_client, name) == small


def test_leader_can_use_the_admin_too(school) -> None:
    leader = LeaderFactory()
    with_totp(leader)
    assert client_for(leader).get(reverse("admin:index")).status_code == 200


def test_class_codes_are_unique_and_typeable(db) -> None:
    from classes.models import TYPEABLE_ALPHABET

    codes = {SchoolClassFactory().class_code for _ in range(30)}
    assert len(codes) == 30
    assert all(len(c) == 6 and set(c) <= set(TYPEABLE_ALPHABET) for c in codes)
    assert SchoolClass.objects.count() == 30


def test_R5_office_suspends_with_a_reason_and_reinstates(office_client: Client) -> None:
    parent = ParentFactory()
    url = reverse("admin:accounts_user_changelist")
    asked = office_client.post(url, {"action": "suspend", "_selected_action": [parent.pk]})
    assert "Reason (the parent is told)" in asked.content.decode()
    parent.refresh_from_db()
    assert not parent.is_suspended

    office_client.post(
        url,
        {"action": "suspend", "_selected_action": [parent.pk], "reason": "Shared photos online."},
    )
    parent.refresh_from_db()
    assert parent.is_suspended
    assert parent.suspensions.get().reason == "Shared photos online."

    asked = office_client.post(url, {"action": "reinstate", "_selected_action": [parent.pk]})
    assert "Reinstate accounts" in asked.content.decode()
    parent.refresh_from_db()
    assert parent.is_suspended

    office_client.post(
        url,
        {
            "action": "reinstate",
            "_selected_action": [parent.pk],
            "confirm": "yes",
            "reason": "Apology accepted.",
        },
    )
    parent.refresh_from_db()
    assert not parent.is_suspended
    assert parent.suspensions.get().lifted_at is not None


def test_who_is_linked_to_whom_is_searchable(office_client: Client) -> None:
    from tests.factories import ParentLinkFactory

    ParentLinkFactory(parent=ParentFactory(first_name="Olu", last_name="Adeyemi"))
    ParentLinkFactory(parent=ParentFactory(first_name="Kasia", last_name="Nowak"))
    url = reverse("admin:accounts_parentlink_changelist")
    page = office_client.get(url, {"q": "Adeyemi"}).content.decode()
    assert "Olu Adeyemi" in page
    assert "Kasia Nowak" not in page


# Plain words and a short class page ----------------------------------------------------------


def test_assigning_staff_offers_plain_words_for_their_part(office_client: Client) -> None:
    oak = SchoolClassFactory(name="Oak")
    html = office_client.get(reverse("admin:classes_schoolclass_change", args=[oak.pk])).content
    text = html.decode()
    assert ">Teaches this class</option>" in text
    assert ">Supports this class</option>" in text
    assert "School and classes | class" not in text
    assert text.index("Teaches this class</option>") < text.index("Supports this class</option>")


def test_a_class_page_shows_current_and_upcoming_cover_and_links_to_the_past(
    office_client: Client,
) -> None:
    oak = SchoolClassFactory(name="Oak")
    now = timezone.now()
    past = [
        CoverAssignmentFactory(
            school_class=oak,
            starts_at=now - dt.timedelta(weeks=week, hours=2),
            ends_at=now - dt.timedelta(weeks=week, hours=1),
        )
        for week in range(1, 6)
    ]
    under_way = CoverAssignmentFactory(school_class=oak)
    upcoming = CoverAssignmentFactory(
        school_class=oak,
        starts_at=now + dt.timedelta(days=7),
        ends_at=now + dt.timedelta(days=7, hours=1),
    )
    response = office_client.get(reverse("admin:classes_schoolclass_change", args=[oak.pk]))
    shown = {form.instance.pk for form in response.context["inline_admin_formsets"][1].formset}
    assert shown == {under_way.pk, upcoming.pk}
    past_url = (
        reverse("admin:classes_coverassignment_changelist")
        + f"?school_class__id__exact={oak.pk}&amp;when=past"
    )
    assert past_url in response.content.decode()
    listed = office_client.get(past_url.replace("&amp;", "&"))
    assert {cover.pk for cover in listed.context["cl"].result_list} == {c.pk for c in past}


def test_saving_a_class_page_keeps_its_past_cover(office_client: Client) -> None:
    oak = SchoolClassFactory(name="Oak")
    now = timezone.now()
    old = CoverAssignmentFactory(
        school_class=oak, starts_at=now - dt.timedelta(days=8), ends_at=now - dt.timedelta(days=7)
    )
    data = {
        "name": "Oak",
        "year_group": oak.year_group,
        "academic_year": oak.academic_year,
        "class_code": oak.class_code,
        "staff_permissions-TOTAL_FORMS": "0",
        "staff_permissions-INITIAL_FORMS": "0",
        "covers-TOTAL_FORMS": "0",
        "covers-INITIAL_FORMS": "0",
    }
    url = reverse("admin:classes_schoolclass_change", args=[oak.pk])
    assert office_client.post(url, data).status_code == 302
    assert CoverAssignment.objects.filter(pk=old.pk).exists()


def test_the_pupil_list_costs_the_same_queries_at_a_few_pupils_and_a_school(
    office_client: Client,
) -> None:
    from accounts.admin.pupils import PupilAdmin

    _grow(2)  # six pupils
    few = _changelist_queries(office_client, "classes_pupil")
    _grow(40)  # 126 pupils: more than a page
    many = _changelist_queries(office_client, "classes_pupil")
    page = office_client.get(reverse("admin:classes_pupil_changelist")).content.decode()

    assert few == many == PUPIL_LIST_QUERIES
    assert PupilAdmin.list_per_page == 50
    assert page.count('name="_selected_action"') == 50


# The session, the account, its two-factor check (once), its permissions (two), the classes for
# the filter, one plain COUNT (no join, no second count of the whole table), the school, the
# page of pupils with their classes and parent totals. It was 12 with a counting join.
PUPIL_LIST_QUERIES = 9


def test_a_class_is_named_with_its_year_group(school) -> None:
    from classes.models import YearGroup

    assert str(SchoolClassFactory(name="Oak", year_group=YearGroup.YEAR_3)) == "Oak (Year 3)"
