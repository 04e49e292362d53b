"""``classes`` sits below ``accounts`` and names the accounts app's roles by value: these tests
keep the two in step (R1)."""

from __future__ import annotations

from accounts.models import Role
from classes.admin import ASSIGNABLE_ROLES
from classes.permissions import SCHOOL_MANAGER_ROLES


def test_R1_the_roles_that_may_be_assigned_to_a_class_are_the_staff_roles() -> None:
    assert set(ASSIGNABLE_ROLES) == {Role.TEACHER, Role.SUPPORT, Role.LEADER}


def test_R1_the_roles_that_manage_the_school_are_the_office_and_leaders() -> None:
    assert set(SCHOOL_MANAGER_ROLES) == {Role.OFFICE, Role.LEADER}
