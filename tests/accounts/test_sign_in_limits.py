"""Wrong passwords at sign-in are limited softly (issue 13, ASVS V6): five typos from one
address pause that address for that account only, never the right password from another; one
address is paused for every account after 100 failures (a school's shared address); an account
guessed at from many addresses has a slower ceiling that tells its holder once and still lets
the right password in from an address that has not failed. Every refusal is a 429 that says
when to try again. On the file cache and on a real Redis alike, with the clock frozen."""

from __future__ import annotations

import datetime as dt
import html
import zoneinfo
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.sign_in_limits import REFUSED_ADDRESS, REFUSED_HERE
from notifications.models import Kind, Notification
from notifications.tasks import sweep_notifications
from tests.clock import at
from tests.factories import PASSWORD, TeacherFactory, assign_teacher
from tests.private_redis import PrivateRedis, production_cache, require_redis_server

LONDON = zoneinfo.ZoneInfo("Europe/London")
TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)  # working time: staff are told
A, B, C = "198.51.100.1", "198.51.100.2", "198.51.100.3"


@pytest.fixture(params=["file cache", pytest.param("redis", marks=pytest.mark.services)])
def shared_cache(request: pytest.FixtureRequest) -> Iterator[str]:
    """The embedded default's file cache, or production's Redis (a private one)."""
    if request.param == "file cache":
        yield request.param
        return
    require_redis_server()
    server = PrivateRedis()
    server.start()
    try:
        with production_cache(server):
            yield request.param
    finally:
        server.close()


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with at(TUESDAY_1000) as traveller:
        yield traveller


def sign_in(email: str | None, password: str, ip: str):
    return Client().post(
        reverse("account_login"), {"login": email or "", "password": password}, REMOTE_ADDR=ip
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def said(message, **params) -> str:
    return str(message) % params if params else str(message)


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def teacher_account(school, school_class) -> User:
    return assign_teacher(TeacherFactory(preferred_language="es"), school_class)


@pytest.mark.django_db
def test_five_wrong_passwords_from_one_address_pause_that_address_for_that_account_only(
    shared_cache, clock, teacher_account
) -> None:
    for _attempt in range(5):
        wrong = sign_in(teacher_account.email, "not-the-password", A)
        assert wrong.status_code == 200 and not signed_in(wrong)

    refused = sign_in(teacher_account.email, PASSWORD, A)
    assert refused.status_code == 429
    assert said(REFUSED_HERE, time="10:15") in text(refused)
    assert refused["Retry-After"] == "901"
    assert not signed_in(refused)

    assert signed_in(sign_in(teacher_account.email, PASSWORD, B))  # the teacher, elsewhere


@pytest.mark.django_db
def test_the_pause_ends_with_its_fifteen_minutes(shared_cache, clock, teacher_account) -> None:
    for _attempt in range(5):
        sign_in(teacher_account.email, "not-the-password", A)
    clock.shift(dt.timedelta(minutes=14, seconds=59))
    assert sign_in(teacher_account.email, PASSWORD, A).status_code == 429
    clock.shift(dt.timedelta(seconds=1))

    assert signed_in(sign_in(teacher_account.email, PASSWORD, A))


@pytest.mark.django_db
def test_four_typos_then_the_right_password_start_the_count_again(
    shared_cache, clock, teacher_account
) -> None:
    for _attempt in range(4):
        sign_in(teacher_account.email, "not-the-password", A)
    assert signed_in(sign_in(teacher_account.email, PASSWORD, A))
    for _attempt in range(4):
        sign_in(teacher_account.email, "not-the-password", A)

    assert signed_in(sign_in(teacher_account.email, PASSWORD, A))


@pytest.mark.django_db
def test_100_failures_across_accounts_from_one_address_pause_that_address(
    shared_cache, clock, school, school_class
) -> None:
    staff = [assign_teacher(TeacherFactory(), school_class) for _ in range(26)]
    for number in range(100):  # four for each account, so no account's own limit is reached
        assert sign_in(staff[number // 4].email, "not-the-password", A).status_code == 200
        clock.shift(dt.timedelta(seconds=1))  # a second apart: allauth's 60 a minute holds

    refused = sign_in(staff[25].email, PASSWORD, A)
    assert refused.status_code == 429
    assert said(REFUSED_ADDRESS, time="10:15") in text(refused)
    assert signed_in(sign_in(staff[25].email, PASSWORD, B))


@pytest.mark.django_db
def test_99_failures_from_one_address_still_let_the_right_password_in(
    shared_cache, clock, school, school_class
) -> None:
    staff = [assign_teacher(TeacherFactory(), school_class) for _ in range(25)]
    for number in range(99):
        sign_in(staff[number // 4].email, "not-the-password", A)
        clock.shift(dt.timedelta(seconds=1))

    assert signed_in(sign_in(staff[24].email, PASSWORD, A))


@pytest.mark.django_db
def test_the_accounts_ceiling_tells_its_holder_once_and_never_refuses_a_fresh_address(
    shared_cache, clock, teacher_account, mailoutbox
) -> None:
    guessers = [f"203.0.113.{number}" for number in range(1, 61)]
    for ip in guessers[:50]:  # one guess from each of 50 addresses
        sign_in(teacher_account.email, "not-the-password", ip)
    sweep_notifications()
    for ip in guessers[50:]:  # and on, past the ceiling
        sign_in(teacher_account.email, "not-the-password", ip)
    sweep_notifications()

    notice = Notification.objects.get(kind=Kind.SIGN_IN)
    assert notice.recipient == teacher_account
    assert notice.link == reverse("account_change_password")
    assert [email.to for email in mailoutbox] == [[teacher_account.email]]
    # In the holder's language (Spanish), the count in its plural form.
    assert "Se han probado 50 contraseñas incorrectas para su cuenta" in mailoutbox[0].subject

    # Over the ceiling, an address that has failed once waits; a fresh one signs in.
    assert sign_in(teacher_account.email, PASSWORD, guessers[7]).status_code == 429
    assert signed_in(sign_in(teacher_account.email, PASSWORD, C))


@pytest.mark.django_db
def test_below_the_ceiling_one_failure_does_not_pause_an_address(
    shared_cache, clock, teacher_account
) -> None:
    for number in range(1, 50):
        sign_in(teacher_account.email, "not-the-password", f"203.0.113.{number}")

    assert signed_in(sign_in(teacher_account.email, PASSWORD, "203.0.113.7"))
    assert not Notification.objects.filter(kind=Kind.SIGN_IN).exists()


@pytest.mark.django_db
def test_behind_nginx_the_limits_count_per_client_not_per_proxy(
    shared_cache, clock, teacher_account, settings
) -> None:
    settings.TRUST_X_REAL_IP = True

    def through_proxy(password: str, client_ip: str):
        return Client().post(
            reverse("account_login"),
            {"login": teacher_account.email, "password": password},
            REMOTE_ADDR="172.18.0.5",  # nginx's container
            HTTP_X_REAL_IP=client_ip,
        )

    for _attempt in range(5):
        through_proxy("not-the-password", A)
    assert through_proxy(PASSWORD, A).status_code == 429

    assert signed_in(through_proxy(PASSWORD, B))
