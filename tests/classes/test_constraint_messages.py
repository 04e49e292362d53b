"""Every model constraint speaks plainly, beside the field it is about: the admin once showed
"Constraint “cover_starts_before_it_ends” is violated" and a bare
"school_working_day_starts_before_it_ends"."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db.models import CheckConstraint, Q, UniqueConstraint
from django.test import Client
from django.urls import reverse
from django.utils.functional import Promise

from classes.models import (
    CLASS_NAME_TAKEN,
    CLOSURE_ENDS_BEFORE_IT_STARTS,
    COVER_ENDS_BEFORE_IT_STARTS,
    DAY_ENDS_BEFORE_IT_STARTS,
    Closure,
    CoverAssignment,
    School,
    SchoolClass,
)
from core.constraints import ConstraintErrorsOnFields
from tests.audit.test_audit_admin_changes import form_of
from tests.conftest import client_for
from tests.factories import OfficeFactory, SchoolClassFactory, TeacherFactory, with_totp

PROJECT_APPS = {
    "accounts",
    "classes",
    "consent",
    "stories",
    "messaging",
    "points",
    "privacy",
    "notifications",
    "audit",
}


def project_constraints() -> list[tuple[Any, Any]]:
    return [
        (model, constraint)
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        for constraint in model._meta.constraints
    ]


def test_there_are_constraints_to_check() -> None:
    assert len(project_constraints()) >= 35


@pytest.mark.parametrize(
    ("model", "constraint"),
    [pytest.param(m, c, id=c.name) for m, c in project_constraints()],
)
def test_every_constraint_has_a_translatable_message_and_a_code(
    model: Any, constraint: Any
) -> None:
    assert isinstance(constraint, CheckConstraint | UniqueConstraint)
    message = constraint.violation_error_message
    assert message != constraint.default_violation_error_message
    assert isinstance(message, Promise), "marked for translation (gettext_lazy)"
    assert constraint.name not in str(message)
    assert constraint.violation_error_code


def test_every_field_a_constraint_error_is_shown_beside_is_one_the_constraint_reads() -> None:
    """A form without that field skips the constraint, so the error never names a field the
    form lacks."""
    for model in apps.get_models():
        if not issubclass(model, ConstraintErrorsOnFields):
            continue
        # A proxy (the office's list of readers of urgent notices) has its model's table, and
        # so its constraints.
        concrete = model._meta.concrete_model or model
        by_code = {c.violation_error_code: c for c in concrete._meta.constraints}
        assert model.constraint_fields, model
        for code, field in model.constraint_fields.items():
            constraint = by_code[code]
            if isinstance(constraint, UniqueConstraint):
                reads = set(constraint.fields)
            else:
                assert isinstance(constraint, CheckConstraint)
                assert isinstance(constraint.condition, Q)
                reads = constraint.condition.referenced_base_fields
            assert field in reads, (model, code, field)


@pytest.fixture
def office_client(school: School) -> Client:
    office = OfficeFactory()
    with_totp(office)
    return client_for(office)


def refused_field(response: Any, field: str) -> list[str]:
    assert response.status_code == 200
    return list(response.context["adminform"].form.errors.get(field, []))


@pytest.mark.django_db
def test_a_cover_that_ends_before_it_starts_is_refused_beside_its_end(
    office_client: Client,
) -> None:
    url = reverse("admin:classes_coverassignment_add")
    data = form_of(
        office_client,
        url,
        teacher=str(TeacherFactory().pk),
        school_class=str(SchoolClassFactory().pk),
        starts_at_0="10/11/2026",
        starts_at_1="13:00:00",
        ends_at_0="10/11/2026",
        ends_at_1="11:00:00",
    )
    response = office_client.post(url, data)
    assert refused_field(response, "ends_at") == [str(COVER_ENDS_BEFORE_IT_STARTS)]
    assert "cover_starts_before_it_ends" not in response.content.decode()
    assert not CoverAssignment.objects.exists()


@pytest.mark.django_db
def test_a_working_day_that_ends_before_it_starts_is_refused_beside_its_end(
    office_client: Client, school: School
) -> None:
    url = reverse("admin:classes_school_change", args=[school.pk])
    data = form_of(office_client, url, working_day_starts="17:00", working_day_ends="08:00")
    response = office_client.post(url, data)
    assert refused_field(response, "working_day_ends") == [str(DAY_ENDS_BEFORE_IT_STARTS)]
    assert "school_working_day_starts_before_it_ends" not in response.content.decode()
    school.refresh_from_db()
    assert school.working_day_starts.hour == 8


@pytest.mark.django_db
def test_a_closure_that_ends_before_it_starts_is_refused_beside_its_last_day(
    office_client: Client,
) -> None:
    url = reverse("admin:classes_closure_add")
    data = form_of(
        office_client, url, starts_on="23/10/2026", ends_on="22/10/2026", reason="INSET day"
    )
    response = office_client.post(url, data)
    assert refused_field(response, "ends_on") == [str(CLOSURE_ENDS_BEFORE_IT_STARTS)]
    assert not Closure.objects.exists()


@pytest.mark.django_db
def test_a_second_class_of_the_same_name_in_a_year_is_refused_beside_its_name(
    office_client: Client,
) -> None:
    SchoolClassFactory(name="Oak", academic_year=2026)
    url = reverse("admin:classes_schoolclass_add")
    data = form_of(office_client, url, name="Oak", year_group="4", academic_year="2026")
    response = office_client.post(url, data)
    assert refused_field(response, "name") == [str(CLASS_NAME_TAKEN)]
    assert SchoolClass.objects.filter(name="Oak").count() == 1
