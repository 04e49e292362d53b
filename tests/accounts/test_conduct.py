"""R4: parents and staff accept the current code of conduct before using the portal."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from accounts.forms.conduct import MUST_AGREE
from accounts.models import CodeOfConduct, ConductAcceptance, User
from accounts.services.conduct import NOT_CURRENT, conduct_accept, conduct_publish
from accounts.services.pupil_login import pupil_code_set
from classes.models import SchoolClass
from tests.conftest import client_for, pupil_client_for
from tests.factories import (
    CodeOfConductFactory,
    ConductAcceptanceFactory,
    OfficeFactory,
    ParentFactory,
    PupilFactory,
    TeacherFactory,
    assign_teacher,
)

PARENTS = CodeOfConduct.Audience.PARENTS
STAFF = CodeOfConduct.Audience.STAFF


def accept_on_page(client: Client, conduct: CodeOfConduct) -> Any:
    return client.post(reverse("conduct"), {"conduct": conduct.pk, "agree": "on"})


@pytest.fixture
def parent_code(db: None) -> CodeOfConduct:
    return CodeOfConductFactory.create(
        audience=PARENTS, version=1, title="Parents' code, first edition"
    )


@pytest.fixture
def staff_code(db: None) -> CodeOfConduct:
    return CodeOfConductFactory.create(
        audience=STAFF, version=1, title="Staff code, first edition"
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("parent_code", "staff_code")
@pytest.mark.parametrize("make_user", [ParentFactory, TeacherFactory, OfficeFactory])
def test_R4_parents_and_staff_are_sent_to_the_code_until_they_accept(make_user: Any) -> None:
    client = client_for(make_user.create())

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("conduct")
    assert client.get(reverse("conduct")).status_code == 200


@pytest.mark.django_db
def test_R4_parent_sees_the_parents_code_and_accepting_it_opens_the_portal(
    parent_code: CodeOfConduct, staff_code: CodeOfConduct
) -> None:
    parent = ParentFactory.create()
    client = client_for(parent)

    page = client.get(reverse("conduct"))
    assert "Parents&#x27; code, first edition" in page.text
    assert "Staff code" not in page.text
    response = accept_on_page(client, parent_code)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    assert ConductAcceptance.objects.filter(user=parent, conduct=parent_code).exists()


@pytest.mark.django_db
def test_R4_teacher_accepts_the_staff_code(
    staff_code: CodeOfConduct, school_class: SchoolClass
) -> None:
    teacher = assign_teacher(TeacherFactory.create(), school_class)
    client = client_for(teacher)

    accept_on_page(client, staff_code)

    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_R4_without_the_tick_nothing_is_accepted(parent_code: CodeOfConduct) -> None:
    parent = ParentFactory.create()
    client = client_for(parent)

    response = client.post(reverse("conduct"), {"conduct": parent_code.pk})

    assert response.status_code == 200
    assert str(MUST_AGREE) in response.text
    assert not ConductAcceptance.objects.filter(user=parent).exists()
    assert client.get(reverse("home"))["Location"] == reverse("conduct")


@pytest.mark.django_db
def test_R4_a_new_version_asks_again(parent_code: CodeOfConduct) -> None:
    parent = ParentFactory.create()
    ConductAcceptanceFactory.create(user=parent, conduct=parent_code)
    client = client_for(parent)
    assert client.get(reverse("home")).status_code == 200

    second = conduct_publish(
        acting_user=OfficeFactory.create(),
        audience=PARENTS,
        title="Second edition",
        body="New rules.",
    )

    assert second.version == 2
    assert client.get(reverse("home"))["Location"] == reverse("conduct")
    assert "Second edition" in client.get(reverse("conduct")).text
    accept_on_page(client, second)
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_R4_accepting_a_replaced_version_is_refused(parent_code: CodeOfConduct) -> None:
    parent = ParentFactory.create()
    CodeOfConductFactory.create(audience=PARENTS, version=2)

    with pytest.raises(ValidationError) as refused:
        conduct_accept(acting_user=parent, conduct=parent_code)

    assert refused.value.messages == [str(NOT_CURRENT)]
    assert not ConductAcceptance.objects.filter(user=parent).exists()


@pytest.mark.django_db
def test_R4_posting_a_replaced_version_on_the_page_shows_why_and_changes_nothing(
    parent_code: CodeOfConduct,
) -> None:
    parent = ParentFactory.create()
    CodeOfConductFactory.create(audience=PARENTS, version=2)
    client = client_for(parent)

    response = client.post(
        reverse("conduct"), {"conduct": parent_code.pk, "agree": "on"}, follow=True
    )

    assert str(NOT_CURRENT) in response.text
    assert not ConductAcceptance.objects.filter(user=parent).exists()


@pytest.mark.django_db
def test_R4_a_parent_cannot_accept_the_staff_code(
    parent_code: CodeOfConduct, staff_code: CodeOfConduct
) -> None:
    parent = ParentFactory.create()

    with pytest.raises(PermissionDenied):
        conduct_accept(acting_user=parent, conduct=staff_code)
    response = client_for(parent).post(
        reverse("conduct"), {"conduct": staff_code.pk, "agree": "on"}
    )

    assert response.status_code == 404
    assert not ConductAcceptance.objects.filter(user=parent).exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("parent_code", "staff_code")
def test_R4_pupils_are_never_gated(school_class: SchoolClass) -> None:
    pupil = PupilFactory.create(school_class=school_class)
    pupil_code_set(acting_user=OfficeFactory.create(), pupil=pupil)
    pupil.refresh_from_db()
    assert pupil.user is not None

    response = pupil_client_for(pupil.user).get(reverse("home"))

    assert response.status_code == 200


@pytest.mark.django_db
def test_R4_no_code_published_means_no_gate() -> None:
    client = client_for(ParentFactory.create())

    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("conduct"))["Location"] == reverse("home")


@pytest.mark.django_db
@pytest.mark.usefixtures("parent_code")
def test_R4_a_parent_who_has_not_accepted_can_still_sign_out() -> None:
    client = client_for(ParentFactory.create())

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert response["Location"] != reverse("conduct")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_R4_only_the_office_and_leaders_publish_a_code(parent_code: CodeOfConduct) -> None:
    teacher: User = TeacherFactory.create()

    with pytest.raises(PermissionDenied):
        conduct_publish(acting_user=teacher, audience=PARENTS, title="Mine", body="My rules.")

    assert list(CodeOfConduct.objects.values_list("version", flat=True)) == [1]
