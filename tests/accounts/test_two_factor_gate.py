"""Two-factor sign-in for the people who can act on families: office staff and leaders reach no
page of the portal (the moderation queue included) before they have it; teachers may turn it
on, and the school can require it of all staff; recovery codes sign in once each; a leader can
reset another person's second factor (never their own), recorded in the audit log."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from accounts.permissions.accounts import can_reset_two_factor
from accounts.services.two_factor import two_factor_reset
from audit.actions import AuditAction
from audit.models import AuditEntry
from classes.models import School
from classes.selectors import school_get
from tests.conftest import client_for
from tests.factories import (
    PASSWORD,
    LeaderFactory,
    OfficeFactory,
    ParentLinkFactory,
    SupportFactory,
    TeacherFactory,
    with_totp,
)

pytestmark = pytest.mark.django_db

NEEDS = reverse("admin_needs_mfa")


def require_for_all_staff() -> None:
    school = school_get()
    school.staff_two_factor_required = True
    school.save()  # drops the cached copy
    assert (
        School.objects.get().staff_two_factor_required and school_get().staff_two_factor_required
    )


def code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.mark.parametrize("factory", [LeaderFactory, OfficeFactory])
def test_a_leader_or_office_without_two_factor_reaches_no_page_of_the_portal(
    school, factory
) -> None:
    client = client_for(factory(), two_factor=False)
    for name in ("home", "messaging_moderation", "notifications", "account_settings", "conduct"):
        response = client.get(reverse(name))
        assert (name, response.status_code, response["Location"]) == (name, 302, NEEDS)
    assert client.get(reverse("admin:index"))["Location"] == NEEDS
    page = client.get(NEEDS)
    assert page.status_code == 200
    assert reverse("mfa_activate_totp") in page.content.decode()
    # allauth's own pages stay open: set-up (or its password check first), and signing out
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200 or setup["Location"].startswith(
        reverse("account_reauthenticate")
    )
    assert client.get(reverse("account_logout")).status_code == 200


def test_a_leader_signed_in_with_password_and_totp_reaches_the_moderation_queue(school) -> None:
    leader = LeaderFactory()
    secret = with_totp(leader)
    client = Client()
    response = client.post(
        reverse("account_login") + "?next=" + reverse("messaging_moderation"),
        {"login": leader.email, "password": PASSWORD},
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("messaging_moderation"))["Location"].startswith(
        reverse("account_login")
    )  # not signed in until the code
    done = client.post(reverse("mfa_authenticate"), {"code": code(secret)})
    assert done["Location"] == reverse("messaging_moderation")
    assert client.get(reverse("messaging_moderation")).status_code == 200


def test_a_recovery_code_signs_in_once(school) -> None:
    leader = LeaderFactory()
    with_totp(leader)
    recovery = RecoveryCodes.activate(leader)
    first = recovery.get_unused_codes()[0]
    for attempt in range(2):
        client = Client()
        client.post(reverse("account_login"), {"login": leader.email, "password": PASSWORD})
        response = client.post(reverse("mfa_authenticate"), {"code": first})
        if attempt == 0:
            assert response.status_code == 302
            assert client.get(reverse("messaging_moderation")).status_code == 200
        else:
            assert response.status_code == 200  # used already: refused
            assert "_auth_user_id" not in client.session


def test_teachers_may_turn_it_on_and_are_not_asked_unless_the_school_requires_it(
    school,
) -> None:
    teacher = TeacherFactory()
    client = client_for(teacher)
    assert client.get(reverse("home")).status_code == 200
    html = client.get(reverse("account_settings")).content.decode()
    assert reverse("mfa_index") in html
    require_for_all_staff()
    for person in (teacher, SupportFactory()):
        response = client_for(person, two_factor=False).get(reverse("home"))
        assert response["Location"] == NEEDS
    with_totp(teacher)
    assert client_for(teacher, two_factor=False).get(reverse("home")).status_code == 200


def test_parents_are_never_asked_even_when_the_school_requires_it_of_staff(school) -> None:
    require_for_all_staff()
    parent = ParentLinkFactory().parent
    response = client_for(parent).get(reverse("account_settings"))
    assert response.status_code == 200


# The office reset path


def test_a_leader_resets_another_leaders_second_factor_recorded_with_names(school) -> None:
    head = LeaderFactory(title="Mrs", last_name="Marsh")
    deputy = LeaderFactory(title="Mr", last_name="Ahmed")
    with_totp(deputy)
    RecoveryCodes.activate(deputy)
    deputy_client = client_for(deputy)
    assert deputy_client.get(reverse("messaging_moderation")).status_code == 200
    page = client_for(head).get(reverse("admin:accounts_user_change", args=[deputy.pk]))
    assert "Reset two-factor sign-in" in page.content.decode()
    url = reverse("admin:accounts_user_two_factor_reset", args=[deputy.pk])
    confirm = client_for(head).get(url)
    assert "Reset two-factor sign-in for Mr Ahmed?" in confirm.content.decode()
    assert Authenticator.objects.filter(user=deputy).count() == 2  # a GET changes nothing
    done = client_for(head).post(url, follow=True)
    assert "Two-factor sign-in is reset for Mr Ahmed" in done.content.decode()
    assert not Authenticator.objects.filter(user=deputy).exists()
    entry = AuditEntry.objects.get(action=AuditAction.TWO_FACTOR_RESET)
    assert entry.actor == head
    assert entry.details["reset_by"] == "Mrs Marsh"
    assert entry.details["reset_for"] == "Mr Ahmed"
    # the deputy's open session has ended; signed in again, they must set it up first
    assert deputy_client.get(reverse("messaging_moderation"))["Location"].startswith(
        reverse("account_login")
    )
    again = client_for(deputy, two_factor=False)
    assert again.get(reverse("messaging_moderation"))["Location"] == NEEDS


def test_nobody_resets_their_own_second_factor_this_way(school) -> None:
    leader = LeaderFactory()
    client = client_for(leader)
    page = client.get(reverse("admin:accounts_user_change", args=[leader.pk]))
    assert "Reset two-factor sign-in" not in page.content.decode()
    url = reverse("admin:accounts_user_two_factor_reset", args=[leader.pk])
    assert client.post(url).status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        two_factor_reset(acting_user=leader, user=leader)
    assert Authenticator.objects.filter(user=leader).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.TWO_FACTOR_RESET).exists()


@pytest.mark.parametrize("actor_factory", [OfficeFactory, TeacherFactory])
def test_a_reset_without_the_right_is_refused_and_changes_nothing(school, actor_factory) -> None:
    actor, target = actor_factory(), TeacherFactory()
    with_totp(target)
    assert not can_reset_two_factor(actor, target)
    with pytest.raises(PermissionDenied):
        two_factor_reset(acting_user=actor, user=target)
    url = reverse("admin:accounts_user_two_factor_reset", args=[target.pk])
    response = client_for(actor).post(url)
    assert response.status_code in (302, 403, 404)
    assert response.status_code != 302 or "/admin/login/" in response["Location"]
    assert Authenticator.objects.filter(user=target).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.TWO_FACTOR_RESET).exists()


def test_two_resets_at_once_remove_it_once_and_the_second_is_told_why(school) -> None:
    first, second, target = LeaderFactory(), LeaderFactory(), TeacherFactory(last_name="Cole")
    with_totp(target)
    assert two_factor_reset(acting_user=first, user=target) == 1
    with pytest.raises(ValidationError, match="has no two-factor sign-in to reset"):
        two_factor_reset(acting_user=second, user=target)
    assert AuditEntry.objects.filter(action=AuditAction.TWO_FACTOR_RESET).count() == 1
    url = reverse("admin:accounts_user_two_factor_reset", args=[target.pk])
    shown = client_for(second).post(url, follow=True).content.decode()
    assert "has no two-factor sign-in to reset" in shown
