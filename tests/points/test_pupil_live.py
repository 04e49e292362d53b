"""R27: a pupil's monster cheers on their page when a point arrives. The page asks for the total
every few seconds; the answer says "+2" only when points arrived since it last looked. The
page's own question keeps no pupil signed in, and a bad question changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from classes.models import Pupil, SchoolClass
from points.models import Award, Skill
from points.views.live import BAD_QUESTION
from tests.conftest import client_for, pupil_client_for
from tests.factories import ParentLinkFactory, PupilFactory, give_picture_code

LIVE = reverse("pupil_points_live")
QUERIES = 5


@pytest.fixture
def maya(school_class: SchoolClass) -> Pupil:
    pupil = PupilFactory(school_class=school_class, first_name="Maya")
    give_picture_code(pupil)
    return pupil


@pytest.fixture
def maya_client(maya: Pupil) -> Client:
    assert maya.user is not None
    return pupil_client_for(maya.user)


def give(pupil: Pupil, times: int = 1) -> None:
    skill = Skill.objects.filter(school_class=None, value__gt=0).first()
    assert skill is not None and pupil.school_class is not None
    for _ in range(times):
        Award.objects.create(
            pupil=pupil, school_class=pupil.school_class, skill=skill, value=skill.value
        )


def ask(client: Client, **params: Any) -> Any:
    return client.get(LIVE, params, HTTP_HX_REQUEST="true")


def test_R27_home_and_my_points_show_the_live_monster(maya_client: Client, maya: Pupil) -> None:
    give(maya, 3)
    for page, size in ((reverse("home"), 200), (reverse("pupil_points"), 96)):
        html = maya_client.get(page).content.decode()
        assert f'hx-get="{LIVE}?size={size}&amp;shown=3"' in html, page
        assert 'hx-trigger="every 15s" hx-swap="outerHTML"' in html, page
        assert "monster-cheer" not in html and "points-pop" not in html, page
        assert 'id="pupil-live-news" class="visually-hidden" aria-live="polite"' in html


def test_R27_nothing_arrived_nothing_cheers(maya_client: Client, maya: Pupil) -> None:
    give(maya, 2)
    response = ask(maya_client, shown=2, size=200)
    html = response.content.decode()
    assert response.status_code == 200
    assert "monster-cheer" not in html and "pupil-live-news" not in html
    assert f'hx-get="{LIVE}?size=200&amp;shown=2"' in html
    assert 'role="img"' in html and 'width="200"' in html


def test_R27_points_that_arrived_make_the_monster_cheer_and_are_told(
    maya_client: Client, maya: Pupil
) -> None:
    give(maya, 1)
    give(maya, 2)
    html = ask(maya_client, shown=1, size=96).content.decode()
    assert 'class="pupil-live-monster monster-cheer"' in html
    assert '<span class="points-pop" aria-hidden="true" dir="ltr">+2</span>' in html
    assert '<p id="pupil-live-news" hx-swap-oob="innerHTML">You got 2 more points!</p>' in html
    assert f'hx-get="{LIVE}?size=96&amp;shown=3"' in html
    one = ask(maya_client, shown=2, size=96).content.decode()
    assert "You got 1 more point!" in one


def test_R27_points_taken_away_are_no_cheer(maya_client: Client, maya: Pupil) -> None:
    give(maya, 1)
    html = ask(maya_client, shown=5, size=96).content.decode()
    assert "monster-cheer" not in html and "You got" not in html


@pytest.mark.parametrize(
    "params",
    [{"shown": "lots", "size": 96}, {"shown": 1, "size": 5000}, {"size": 96}, {"shown": 1}],
)
def test_R27_a_bad_question_is_refused_with_the_message(
    maya_client: Client, maya: Pupil, params: dict[str, Any]
) -> None:
    response = ask(maya_client, **params)
    assert response.status_code == 400
    assert response.content.decode() == str(BAD_QUESTION)


@pytest.mark.parametrize("count", [1, 30])
def test_R27_the_question_costs_the_same_whatever_the_points(
    count: int, maya_client: Client, maya: Pupil, django_assert_num_queries: Any
) -> None:
    give(maya, count)
    maya_client.get(reverse("home"))
    # The session, its user, the pupil, their total and their monster.
    with django_assert_num_queries(QUERIES):
        html = ask(maya_client, shown=0, size=96).content.decode()
    assert f"You got {count} more point" in html


def test_R8_the_pages_question_does_not_keep_a_pupil_signed_in(
    maya_client: Client, maya: Pupil
) -> None:
    before = maya_client.session["pupil_last_seen"]
    ask(maya_client, shown=0, size=96)
    assert maya_client.session["pupil_last_seen"] == before
    session = maya_client.session
    idle = timezone.now() - settings.PUPIL_SESSION_IDLE - timedelta(minutes=1)
    session["pupil_last_seen"] = idle.isoformat()
    session.save()
    response = ask(maya_client, shown=0, size=96)
    assert response.headers["HX-Redirect"] == reverse("pupil_start")
    assert b"<svg" not in response.content
    assert maya_client.get(reverse("home")).status_code == 302


def test_R27_no_one_but_a_pupil_asks(maya: Pupil, teacher: Any) -> None:
    parent = ParentLinkFactory(pupil=maya).parent
    for user in (parent, teacher):
        response = client_for(user).get(LIVE, {"shown": 0, "size": 96})
        assert response.status_code in (403, 404)
        assert b"<svg" not in response.content
