"""Each role's home page: what it shows, what it hides, and a query count that does not grow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from tests.conftest import client_for, pupil_client_for
from tests.factories import (
    CoverAssignmentFactory,
    LeaderFactory,
    OfficeFactory,
    ParentFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    SupportFactory,
    TeacherFactory,
    UserFactory,
    assign_support,
    assign_teacher,
)

pytestmark = pytest.mark.django_db


def home(client: Client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_parent_sees_each_child_with_class_and_teacher(school) -> None:
    # The parent's own name is on the page (the header): not the children's surname.
    parent = ParentFactory(first_name="Diana", last_name="Okoro")
    oak, ash = SchoolClassFactory(name="Oak"), SchoolClassFactory(name="Ash")
    assign_teacher(TeacherFactory(title="Mrs", last_name="Patel"), oak)
    assign_teacher(TeacherFactory(title="Mr", last_name="Okafor"), ash)
    ParentLinkFactory(
        parent=parent, pupil=PupilFactory(first_name="Maya", surname="Brown", school_class=oak)
    )
    ParentLinkFactory(
        parent=parent, pupil=PupilFactory(first_name="Leo", surname="Brown", school_class=ash)
    )
    PupilFactory(first_name="Zofia", school_class=oak)  # a classmate, not theirs

    page = home(client_for(parent))

    assert "Maya" in page and "Leo" in page
    assert "Oak" in page and "Ash" in page
    assert "Mrs Patel" in page and "Mr Okafor" in page
    assert "Brown" not in page, "R6: children appear by first name only"
    assert "Zofia" not in page


def test_R6_parent_sees_their_child_by_disambiguated_display_name(school) -> None:
    oak = SchoolClassFactory()
    link = ParentLinkFactory(
        pupil=PupilFactory(first_name="Amir", surname="Khan", school_class=oak)
    )
    PupilFactory(first_name="Amir", surname="Kohli", school_class=oak)
    page = home(client_for(link.parent))
    assert "Amir Kh." in page
    assert "Khan" not in page


def test_parent_without_children_is_offered_the_invite_code_page(school) -> None:
    page = home(client_for(ParentFactory()))
    assert "No child is linked to your account yet." in page
    assert reverse("join") in page


def test_teacher_sees_their_class_and_pupils_by_display_name(school) -> None:
    oak, ash = SchoolClassFactory(name="Oak"), SchoolClassFactory(name="Ash")
    teacher = assign_teacher(TeacherFactory(), oak)
    PupilFactory(first_name="Amir", surname="Khan", school_class=oak)
    PupilFactory(first_name="Amir", surname="Kohli", school_class=oak)
    PupilFactory(first_name="Grace", surname="Nowak", school_class=ash)

    page = home(client_for(teacher))

    assert "Oak" in page and "Amir Kh." in page and "Amir Ko." in page
    assert "Khan" not in page and "Kohli" not in page
    assert "Grace" not in page and "Ash" not in page


def test_teacher_sees_a_covered_class_only_during_the_cover_window(school) -> None:
    teacher = TeacherFactory()
    willow = SchoolClassFactory(name="Willow")
    PupilFactory(first_name="Noor", school_class=willow)
    now = timezone.now()
    CoverAssignmentFactory(
        teacher=teacher,
        school_class=willow,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=2),
    )
    page = home(client_for(teacher))
    assert "Classes you cover now" in page and "Willow" in page and "Noor" in page

    teacher.cover_assignments.update(
        starts_at=now + dt.timedelta(days=1), ends_at=now + dt.timedelta(days=1, hours=2)
    )
    page = home(client_for(teacher))
    assert "Willow" not in page and "Noor" not in page


def test_support_staff_see_the_classes_they_support(school) -> None:
    oak = SchoolClassFactory(name="Oak")
    PupilFactory(first_name="Ivy", school_class=oak)
    page = home(client_for(assign_support(SupportFactory(), oak)))
    assert "Oak" in page and "Ivy" in page


def test_a_pupil_sees_their_display_name(school) -> None:
    oak = SchoolClassFactory()
    pupil = PupilFactory(first_name="Amir", surname="Khan", school_class=oak)
    PupilFactory(first_name="Amir", surname="Smith", school_class=oak)
    pupil.user = UserFactory(email=None, role=Role.PUPIL)
    pupil.save()
    page = home(pupil_client_for(pupil.user))
    assert "Hello, Amir K.!" in page
    assert "Khan" not in page


@pytest.mark.parametrize("factory", [OfficeFactory, LeaderFactory])
def test_office_and_leaders_are_led_to_two_factor_setup_then_the_admin(school, factory) -> None:
    from allauth.mfa.models import Authenticator

    user = factory()
    # every page, the home page included, leads to the set-up first
    response = client_for(user, two_factor=False).get(reverse("home"), follow=True)
    assert response.redirect_chain == [(reverse("admin_needs_mfa"), 302)]
    page = response.content.decode()
    assert reverse("mfa_activate_totp") in page
    assert reverse("admin:index") not in page

    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    page = home(client_for(user))
    assert reverse("admin:index") in page


def _parent_with_children(count: int):
    parent = ParentFactory()
    for _ in range(count):
        school_class = SchoolClassFactory()
        assign_teacher(TeacherFactory(), school_class)
        assign_teacher(TeacherFactory(), school_class)
        ParentLinkFactory(parent=parent, pupil=PupilFactory(school_class=school_class))
        PupilFactory.create_batch(3, school_class=school_class)
    return parent


def _teacher_with_classes(classes: int, pupils: int):
    teacher = TeacherFactory()
    for _ in range(classes):
        school_class = SchoolClassFactory()
        assign_teacher(teacher, school_class)
        PupilFactory.create_batch(pupils, school_class=school_class)
    CoverAssignmentFactory(teacher=teacher)
    return teacher


def _count(client: Client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    home(client)  # the school is cached after the first page (classes.selectors.school_get)
    with CaptureQueriesContext(connection) as ctx:
        home(client)
    return len(ctx.captured_queries)


def test_parent_home_query_count_does_not_grow_with_children(school) -> None:
    small = _count(client_for(_parent_with_children(1)))
    large = _count(client_for(_parent_with_children(4)))
    assert small == large
    # the session and the account, the news (no posts here, so no attachments to fetch), the
    # monsters with the week's points, the teachers and the covers to write to: the gates and
    # the children answer from the cache (with posts: tests/accounts/test_parent_home.py)
    assert large == 6


def test_teacher_home_query_count_does_not_grow_with_classes_or_pupils(school) -> None:
    small = _count(client_for(_teacher_with_classes(1, 3)))
    large = _count(client_for(_teacher_with_classes(3, 30)))
    assert small == large
    assert large == 6


def test_a_spanish_reader_gets_the_portal_in_spanish(parent_with_child) -> None:
    """The page claims the language it is written in (WCAG 3.1.1): a Spanish reader's home page
    says ``lang="es"`` and its navigation is Spanish. (A language whose catalogue translates
    nothing is never claimed: ``tests/test_interface_language.py``.)"""
    parent, _child = parent_with_child
    parent.preferred_language = "es"
    parent.save()
    html = client_for(parent).get(reverse("home")).content.decode()
    assert '<html lang="es">' in html
    assert ">Historias<" in html
