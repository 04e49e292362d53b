"""One check of a pupil's name, for the office's admin form and the import alike: the admin's
add-pupil form once took ``=HYPERLINK(…)`` as a first name, which the import refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from classes.models import Pupil, SchoolClass
from classes.validators import NOT_A_NAME
from consent.imports.validate import pupil_import_plan
from tests.audit.test_audit_admin_changes import form_of
from tests.conftest import client_for
from tests.factories import OfficeFactory, SchoolClassFactory, with_totp

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://example.org/x","Maya")'
NOT_NAMES = [FORMULA, "+44123", "@SUM(A1)", "-1", "Maya2", "Robert'); DROP"]
NAMES = ["Anne-Marie", "O’Neill", "D'Arcy", "Zoë", "Nguyễn", "St. John", "محمد"]


@pytest.fixture
def office(school: Any) -> User:
    office = OfficeFactory()
    with_totp(office)
    return office


@pytest.fixture
def oak() -> SchoolClass:
    return SchoolClassFactory(name="Oak", academic_year=2026)


def admin_add(client: Client, oak: SchoolClass, first_name: str) -> Any:
    url = reverse("admin:classes_pupil_add")
    data = form_of(
        client,
        url,
        first_name=first_name,
        surname="Rowntree",
        date_of_birth="17/05/2018",
        school_class=str(oak.pk),
    )
    return client.post(url, data)


def import_problems(office: User, first_name: str) -> list[str]:
    quoted = first_name.replace('"', '""')
    data = f'Forename,Surname,DOB,Reg group\n"{quoted}",Rowntree,17/05/2018,Oak\n'.encode()
    plan = pupil_import_plan(
        acting_user=office, data=data, file_name="pupils.csv", today=dt.date(2026, 9, 1)
    )
    [row] = plan.rows
    return list(row.problems)


@pytest.mark.parametrize("first_name", NOT_NAMES)
def test_the_admin_and_the_import_refuse_a_formula_as_a_name_with_one_message(
    office: User, oak: SchoolClass, first_name: str
) -> None:
    message = str(NOT_A_NAME % {"label": "first name", "value": first_name})

    response = admin_add(client_for(office), oak, first_name)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["first_name"] == [message]

    assert import_problems(office, first_name) == [message]
    assert not Pupil.objects.exists()


@pytest.mark.parametrize("first_name", NAMES)
def test_the_admin_and_the_import_take_names_of_every_alphabet(
    office: User, oak: SchoolClass, first_name: str
) -> None:
    assert import_problems(office, first_name) == []
    assert admin_add(client_for(office), oak, first_name).status_code == 302
    assert Pupil.objects.get().first_name == first_name


def test_a_surname_is_checked_the_same_way(office: User, oak: SchoolClass) -> None:
    url = reverse("admin:classes_pupil_add")
    client = client_for(office)
    data = form_of(
        client,
        url,
        first_name="Maya",
        surname="=1+1",
        date_of_birth="17/05/2018",
        school_class=str(oak.pk),
    )
    response = client.post(url, data)
    assert response.context["adminform"].form.errors["surname"] == [
        str(NOT_A_NAME % {"label": "surname", "value": "=1+1"})
    ]
