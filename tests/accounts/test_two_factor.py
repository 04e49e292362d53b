"""Office staff and leaders sign in with a password and a TOTP code before the admin opens."""

from __future__ import annotations

import datetime as dt
import html
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.clock import TODAY, at
from tests.factories import PASSWORD, OfficeFactory, with_totp

pytestmark = pytest.mark.django_db


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(client: Client, email: str, next_url: str) -> str:
    response = client.post(
        reverse("account_login") + f"?next={next_url}", {"login": email, "password": PASSWORD}
    )
    assert response.status_code == 302
    return response["Location"]


def test_R1_office_signs_in_with_password_then_totp_and_reaches_the_admin(school) -> None:
    office = OfficeFactory()
    secret = with_totp(office)
    client = Client()

    assert sign_in(client, office.email, reverse("admin:index")) == reverse("mfa_authenticate")
    assert client.get(reverse("admin:index")).status_code == 302, "no admin before the code"

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "Incorrect code" in wrong.content.decode()

    right = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert right.status_code == 302
    assert right["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_R1_admin_sign_in_is_the_portals_throttled_sign_in(school) -> None:
    office = OfficeFactory()
    with_totp(office)
    client = Client()
    admin_login = client.get(reverse("admin:login"))
    assert admin_login.status_code == 302
    assert admin_login["Location"].startswith(reverse("account_login"))

    for _ in range(5):
        client.post(reverse("account_login"), {"login": office.email, "password": "wrong-one"})
    blocked = client.post(reverse("account_login"), {"login": office.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Too many wrong passwords for this account from your network" in html.unescape(
        blocked.content.decode()
    )
    assert "_auth_user_id" not in client.session


# Two-factor setup straight after sign-in (allauth's re-authentication) ------------------------


def test_R1_setting_up_two_factor_straight_after_signing_in_does_not_ask_for_the_password(
    school,
) -> None:
    office = OfficeFactory()
    client = Client()
    activate = reverse("mfa_activate_totp")
    with at(TODAY):
        sign_in(client, office.email, activate)
        page = client.get(activate)
    assert page.status_code == 200
    assert 'name="code"' in page.content.decode()


def test_R1_two_factor_setup_asks_for_the_password_once_the_sign_in_is_old(school) -> None:
    office = OfficeFactory()
    client = Client()
    activate = reverse("mfa_activate_totp")
    with at(TODAY):
        sign_in(client, office.email, activate)
    later = TODAY + dt.timedelta(seconds=settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1)
    with at(later):
        page = client.get(activate)
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("account_reauthenticate"))
    with at(later):
        again = client.post(page["Location"], {"password": PASSWORD})
        assert again.status_code == 302
        assert client.get(activate).status_code == 200
