"""An account page for every adult (issue 17): language, their children (a parent's), their
notifications, password, two-factor sign-in, and downloading or deleting their data, in a
fixed number of queries whatever the number of children."""

from __future__ import annotations

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import (
    LeaderFactory,
    ParentFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    with_totp,
)

pytestmark = pytest.mark.django_db

URL = reverse("account_settings")
LINKS = [
    "notification_settings",
    "account_change_password",
    "mfa_index",
    "privacy_export",
    "privacy_account_delete",
]


def page(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def words(text: str) -> str:
    """What the page reads as, tags left out."""
    return " ".join(re.sub(r"<[^>]+>", "", text).split())


def test_a_parent_sees_their_children_and_every_setting(school) -> None:
    parent = ParentFactory()
    oak = SchoolClassFactory(name="Oak")
    for name in ("Maya", "Amir"):
        ParentLinkFactory(parent=parent, pupil=PupilFactory(first_name=name, school_class=oak))
    PupilFactory(first_name="Zed", school_class=oak)  # not theirs
    text = page(client_for(parent))
    assert "Maya" in text and "Amir" in text and "Zed" not in text
    assert "Class: Oak" in text
    for name in LINKS:
        assert f'href="{reverse(name)}"' in text, name
    assert "Two-factor authentication: off (you may turn it on)" in words(text)


def test_a_parent_with_no_child_is_told_how_to_add_one(school) -> None:
    text = page(client_for(ParentFactory()))
    assert "No child is linked to your account yet." in text
    assert f'href="{reverse("join")}"' in text


def test_staff_see_their_two_factor_state_and_no_children_section(school) -> None:
    teacher = TeacherFactory()
    text = words(page(client_for(teacher)))
    assert "Your children" not in text
    assert "Two-factor authentication: off (you may turn it on)" in text
    with_totp(teacher)
    assert "Two-factor authentication: on" in words(page(client_for(teacher)))
    leader_html = page(client_for(LeaderFactory()))
    leader_text = words(leader_html)
    assert "Two-factor authentication: on" in leader_text
    for name in LINKS:
        assert f'href="{reverse(name)}"' in leader_html, name


def queries_for(children: int) -> int:
    parent = ParentFactory()
    for _ in range(children):
        ParentLinkFactory(parent=parent, pupil=PupilFactory(school_class=SchoolClassFactory()))
    client = client_for(parent)
    client.get(URL)  # the children's cache, as on a server after the first page
    with CaptureQueriesContext(connection) as queries:
        page(client)
    return len(queries)


def test_the_account_page_costs_the_same_queries_for_one_child_and_four(school) -> None:
    assert queries_for(1) == queries_for(4)
