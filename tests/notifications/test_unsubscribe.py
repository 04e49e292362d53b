"""Unsubscribing from an email's link (R31): it works without signing in; opening the link asks
to confirm and changes nothing; confirming (or a mail client's one-click request, without a
CSRF token) switches that kind, or every digest kind, to the portal only, where the news still
appears. A forged or expired link says so clearly and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.models import Channel, Kind, NotificationSetting
from notifications.selectors import channels_for, notifications_for
from notifications.services import notify
from notifications.tokens import SALT, unsubscribe_token
from tests.conftest import client_for
from tests.factories import ParentFactory

from .helpers import TUESDAY_1000, at, choose, message_event, post_event, sent_to, sweep

pytestmark = pytest.mark.django_db

CONFIRM = "Stop these emails?"
DONE = "You will not get these emails any more"
NOTHING = "Nothing to change"
INVALID = "This link does not work"
EXPIRED = "This link has expired"
UNCHANGED = "Nothing was changed."


def url(token: str) -> str:
    return reverse("notifications_unsubscribe", args=[token])


def token_made_days_ago(user: User, kind: str, days: float) -> str:
    """A token as an email sent ``days`` ago carried it (signing reads ``time.time()``)."""
    with at(timezone.now() - dt.timedelta(days=days)):
        return unsubscribe_token(user.pk, kind)


def settings_of(user: User) -> dict[str, str]:
    return dict(NotificationSetting.objects.filter(user=user).values_list("kind", "channel"))


def test_R31_opening_the_link_asks_to_confirm_and_changes_nothing(school, parent: User) -> None:
    response = Client().get(url(unsubscribe_token(parent.pk, Kind.NEW_MESSAGE)))

    assert response.status_code == 200
    html = response.content.decode()
    assert CONFIRM in html and "Stop these emails</button>" in html
    assert "You will still see this news in your notifications in the portal." in html
    assert settings_of(parent) == {}
    assert channels_for(parent)[Kind.NEW_MESSAGE] == Channel.EMAIL


def test_R31_confirming_stops_that_kinds_emails_and_keeps_it_in_the_portal(
    school, parent: User
) -> None:
    token = unsubscribe_token(parent.pk, Kind.NEW_MESSAGE)

    response = Client().post(url(token))

    assert response.status_code == 200 and DONE in response.content.decode()
    assert settings_of(parent) == {Kind.NEW_MESSAGE: Channel.PORTAL}
    notify([message_event(parent)], now=TUESDAY_1000)
    sweep(TUESDAY_1000)
    assert sent_to(parent) == []
    assert [row.title for row in notifications_for(parent, now=TUESDAY_1000)] == [
        "New message from Mrs Patel about Maya"
    ]


def test_R31_the_one_click_request_needs_no_session_and_no_csrf_token(
    school, parent: User
) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        url(unsubscribe_token(parent.pk, Kind.NEW_MESSAGE)), {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == 200
    assert settings_of(parent) == {Kind.NEW_MESSAGE: Channel.PORTAL}


def test_R31_the_digest_link_stops_every_kind_in_the_digest(school, parent: User) -> None:
    choose(parent, {Kind.NEW_POST: Channel.DIGEST, Kind.NEW_MESSAGE: Channel.DIGEST})
    other = ParentFactory()

    response = Client().post(url(unsubscribe_token(parent.pk, "digest")))

    assert DONE in response.content.decode()
    assert settings_of(parent) == {Kind.NEW_POST: Channel.PORTAL, Kind.NEW_MESSAGE: Channel.PORTAL}
    assert settings_of(other) == {}


def test_R31_the_digest_link_leaves_kinds_emailed_at_once(school, parent: User) -> None:
    choose(parent, {Kind.NEW_POST: Channel.DIGEST, Kind.NEW_MESSAGE: Channel.EMAIL})

    Client().post(url(unsubscribe_token(parent.pk, "digest")))

    assert settings_of(parent) == {Kind.NEW_POST: Channel.PORTAL, Kind.NEW_MESSAGE: Channel.EMAIL}


def test_R31_it_works_for_someone_signed_in_as_another_person(school, parent: User) -> None:
    other = ParentFactory()

    client_for(other).post(url(unsubscribe_token(parent.pk, Kind.NEW_POST)))

    assert settings_of(parent) == {Kind.NEW_POST: Channel.PORTAL}
    assert settings_of(other) == {}


@pytest.mark.parametrize("kind", [Kind.WARNING, Kind.URGENT, "nonsense"])
def test_R31_a_link_for_a_kind_that_cannot_be_stopped_changes_nothing(
    school, parent: User, kind: str
) -> None:
    response = Client().post(url(unsubscribe_token(parent.pk, kind)))

    assert response.status_code == 200 and NOTHING in response.content.decode()
    assert settings_of(parent) == {}


@pytest.mark.parametrize("chosen", [Channel.OFF, Channel.PORTAL])
def test_R31_a_link_for_a_kind_no_longer_emailed_changes_nothing(
    school, parent: User, chosen: Channel
) -> None:
    """An old email's link never turns back on a kind the person has since turned off."""
    choose(parent, {Kind.NEW_MESSAGE: chosen})

    response = Client().post(url(unsubscribe_token(parent.pk, Kind.NEW_MESSAGE)))

    assert response.status_code == 200 and NOTHING in response.content.decode()
    assert settings_of(parent)[Kind.NEW_MESSAGE] == chosen


def test_R31_a_link_for_an_account_that_is_gone_changes_nothing(school) -> None:
    gone = ParentFactory()
    token = unsubscribe_token(gone.pk, Kind.NEW_POST)
    gone.delete()

    response = Client().post(url(token))

    assert response.status_code == 200 and NOTHING in response.content.decode()
    assert not NotificationSetting.objects.exists()


def forged_tokens(user: User) -> list[str]:
    real = unsubscribe_token(user.pk, Kind.NEW_POST)
    body, signature = real.rsplit(":", 1)
    someone_else = signing.dumps([user.pk + 1, "post"], salt=SALT).rsplit(":", 1)[1]
    return [
        f"{body}:{signature[:-2]}{'AA' if not signature.endswith('AA') else 'BB'}",
        f"{body}:{someone_else}",
        signing.dumps([user.pk, "post"]),  # signed, but for something else (no salt)
        signing.dumps({"user": user.pk}, salt=SALT),  # signed, but not a token's shape
        "not-a-token",
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_R31_a_forged_link_does_not_work_and_changes_nothing(
    school, parent: User, method: str
) -> None:
    for token in forged_tokens(parent):
        response = getattr(Client(), method)(url(token))

        assert response.status_code == 400, token
        html = response.content.decode()
        assert INVALID in html and UNCHANGED in html
        assert 'href="/notifications/settings"' in html
    assert settings_of(parent) == {}


@pytest.mark.parametrize("method", ["get", "post"])
def test_R31_an_expired_link_says_so_and_changes_nothing(
    school, parent: User, method: str
) -> None:
    token = token_made_days_ago(parent, Kind.NEW_POST, 91)

    response = getattr(Client(), method)(url(token))

    assert response.status_code == 410
    html = response.content.decode()
    assert EXPIRED in html and UNCHANGED in html
    assert settings_of(parent) == {}


def test_R31_a_link_from_89_days_ago_still_works(school, parent: User) -> None:
    token = token_made_days_ago(parent, Kind.NEW_POST, 89)

    response = Client().post(url(token))

    assert response.status_code == 200 and DONE in response.content.decode()
    assert settings_of(parent) == {Kind.NEW_POST: Channel.PORTAL}


def test_R31_the_link_in_a_sent_email_is_the_one_that_works(school, parent: User) -> None:
    choose(parent, {Kind.NEW_POST: Channel.DIGEST}, digest_at=dt.time(18, 0))
    notify([post_event(parent)], now=TUESDAY_1000)
    sweep(TUESDAY_1000.replace(hour=18))
    [email] = sent_to(parent)
    link = email.extra_headers["List-Unsubscribe"].strip("<>")
    path = link[link.index("/notifications/") :]

    with at(TUESDAY_1000.replace(hour=19)):  # read that evening
        assert CONFIRM in Client().get(path).content.decode()
        Client().post(path)

    assert settings_of(parent) == {Kind.NEW_POST: Channel.PORTAL}
