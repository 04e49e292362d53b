"""Skills (R25): values fit their kind, icons come from the built-in set, the class teacher sets
the class's own skills and leaders the school's (in the admin, through the services)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from classes.models import SchoolClass
from points.admin import FIXED_ONCE_ADDED
from points.icons import ICONS, UNKNOWN_ICON, icon_svg
from points.models import Award, Skill, SkillKind
from points.services.skills import skill_create
from points.views.award import SKILL_ADDED, SKILL_ARCHIVED
from tests.conftest import client_for
from tests.factories import (
    LeaderFactory,
    OfficeFactory,
    PupilFactory,
    SchoolClassFactory,
    SupportFactory,
    TeacherFactory,
    assign_support,
    assign_teacher,
    with_totp,
)

pytestmark = pytest.mark.django_db


def skills_url(school_class: SchoolClass) -> str:
    return reverse("points_class_skills", args=[school_class.pk])


def test_R25_every_school_value_has_a_built_in_icon_drawn_hidden_from_screen_readers() -> None:
    for key in ("mountain", "shield", "hands", "puzzle", "palette", "magnifier"):
        assert key in ICONS
    assert len(ICONS) >= 14
    assert set(Skill.objects.values_list("icon", flat=True)) <= set(ICONS)
    svg = icon_svg("shield")
    assert 'viewBox="0 0 48 48"' in svg and 'aria-hidden="true"' in svg


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (SkillKind.POSITIVE, 6),
        (SkillKind.NEEDS_WORK, -6),
        (SkillKind.NEEDS_WORK, 1),
        (SkillKind.POSITIVE, 0),
    ],
)
def test_R25_value_out_of_range_is_refused(
    teacher: User, school_class: SchoolClass, kind: str, value: int
) -> None:
    with pytest.raises(ValidationError):
        skill_create(
            acting_user=teacher,
            name="Odd",
            kind=kind,
            value=value,
            icon="star",
            school_class=school_class,
        )
    assert not Skill.objects.filter(name="Odd").exists()


def test_R25_unknown_icon_is_refused(teacher: User, school_class: SchoolClass) -> None:
    with pytest.raises(ValidationError) as refused:
        skill_create(
            acting_user=teacher,
            name="Odd",
            kind=SkillKind.POSITIVE,
            value=1,
            icon="rocket",
            school_class=school_class,
        )
    assert refused.value.message_dict == {"icon": [str(UNKNOWN_ICON)]}
    assert not Skill.objects.filter(name="Odd").exists()


def test_R25_teacher_of_another_class_cannot_add_a_class_skill(school_class: SchoolClass) -> None:
    other = assign_teacher(TeacherFactory(), SchoolClassFactory())
    with pytest.raises(PermissionDenied):
        skill_create(
            acting_user=other,
            name="Odd",
            kind=SkillKind.POSITIVE,
            value=1,
            icon="star",
            school_class=school_class,
        )
    assert client_for(other).get(skills_url(school_class)).status_code == 404
    assert not Skill.objects.filter(name="Odd").exists()


def test_R25_class_teacher_adds_a_skill_with_the_icon_picker(
    teacher: User, school_class: SchoolClass
) -> None:
    client = client_for(teacher)
    page = client.get(skills_url(school_class)).content.decode()
    assert page.count('type="radio" name="icon"') == len(ICONS)
    response = client.post(
        skills_url(school_class),
        {"name": "Tidy tables", "kind": "positive", "value": "2", "icon": "star"},
        follow=True,
    )
    skill = Skill.objects.get(name="Tidy tables")
    assert (skill.school_class, skill.value, skill.icon, skill.created_by) == (
        school_class,
        2,
        "star",
        teacher,
    )
    assert str(SKILL_ADDED % {"name": "Tidy tables"}) in response.content.decode()


def test_R25_bad_skill_on_the_page_gets_a_message_and_adds_nothing(
    teacher: User, school_class: SchoolClass
) -> None:
    response = client_for(teacher).post(
        skills_url(school_class),
        {"name": "Shouting", "kind": "needs_work", "value": "1", "icon": "rocket"},
    )
    assert response.status_code == 400
    assert str(UNKNOWN_ICON) in response.content.decode()
    assert not Skill.objects.filter(name="Shouting").exists()


def test_R25_class_teacher_archives_a_class_skill(
    teacher: User, school_class: SchoolClass
) -> None:
    skill = skill_create(
        acting_user=teacher,
        name="Tidy tables",
        kind=SkillKind.POSITIVE,
        value=1,
        icon="star",
        school_class=school_class,
    )
    url = reverse("points_class_skill_archive", args=[school_class.pk, skill.pk])
    support = assign_support(SupportFactory(), school_class)
    assert client_for(support).post(url).status_code == 403
    response = client_for(teacher).post(url, follow=True)
    assert str(SKILL_ARCHIVED % {"name": "Tidy tables"}) in response.content.decode()
    skill.refresh_from_db()
    assert skill.archived


def test_R25_support_staff_can_award_but_not_add_skills(school_class: SchoolClass) -> None:
    support = assign_support(SupportFactory(), school_class)
    client = client_for(support)
    page = client.get(skills_url(school_class)).content.decode()
    assert 'name="icon"' not in page  # no form to add one
    response = client.post(
        skills_url(school_class),
        {"name": "Tidy tables", "kind": "positive", "value": "1", "icon": "star"},
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        skill_create(
            acting_user=support,
            name="Tidy tables",
            kind=SkillKind.POSITIVE,
            value=1,
            icon="star",
            school_class=school_class,
        )
    assert not Skill.objects.filter(name="Tidy tables").exists()
    pupil = PupilFactory(school_class=school_class)
    client.post(
        reverse("points_award", args=[school_class.pk]),
        {"skill": Skill.objects.get(name="Curiosity").pk, "pupils": [pupil.pk]},
    )
    assert Award.objects.filter(pupil=pupil, awarded_by=support).count() == 1


def _admin_client(user: User):
    with_totp(user)
    return client_for(user)


def test_R25_leader_adds_a_school_skill_in_the_admin_through_the_service(school) -> None:
    leader = LeaderFactory()
    client = _admin_client(leader)
    response = client.post(
        reverse("admin:points_skill_add"),
        {"name": "Kindness", "kind": "positive", "value": "2", "icon": "heart"},
    )
    assert response.status_code == 302
    skill = Skill.objects.get(name="Kindness")
    assert (skill.school_class, skill.created_by, skill.value) == (None, leader, 2)
    change = client.get(reverse("admin:points_skill_change", args=[skill.pk])).content.decode()
    assert str(FIXED_ONCE_ADDED)[:40] in change.replace("&#x27;", "'")
    client.post(
        reverse("admin:points_skill_change", args=[skill.pk]),
        {"archived": "on", "value": "5"},
    )
    skill.refresh_from_db()
    assert skill.archived and skill.value == 2  # archived; its points never change


def test_R25_office_sees_skills_in_the_admin_but_cannot_add(school) -> None:
    client = _admin_client(OfficeFactory())
    assert client.get(reverse("admin:points_skill_changelist")).status_code == 200
    response = client.post(
        reverse("admin:points_skill_add"),
        {"name": "Kindness", "kind": "positive", "value": "1", "icon": "heart"},
    )
    assert response.status_code == 403
    assert not Skill.objects.filter(name="Kindness").exists()


def test_award_admin_list_is_a_fixed_number_of_queries(school) -> None:
    client = _admin_client(OfficeFactory())
    teacher = TeacherFactory()
    skill = Skill.objects.get(name="Curiosity")

    def queries(count: int) -> int:
        school_class = SchoolClassFactory()
        Award.objects.bulk_create(
            Award(pupil=pupil, school_class=school_class, skill=skill, value=1, awarded_by=teacher)
            for pupil in PupilFactory.create_batch(count, school_class=school_class)
        )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("admin:points_award_changelist")).status_code == 200
        return len(captured)

    assert queries(3) == queries(30)
