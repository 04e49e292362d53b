"""R27 and the pupil area: a pupil sees and changes only their own monster, sees the picture
notice once per sign-in, and staff of the class reset a monster (others: 404)."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.urls import reverse

from classes.models import Pupil, SchoolClass
from points.avatars import FORGED_PART
from points.models import Avatar
from points.views.monster import MONSTER_RESET, MONSTER_SAVED
from tests.conftest import client_for, pupil_client_for
from tests.factories import (
    OfficeFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
    give_picture_code,
)

CHOICE = {
    "body": "tall",
    "eyes": "three",
    "mouth": "teeth",
    "colour": "purple",
    "ears": "bunny",
    "pattern": "stars",
    "accessory": "hat",
}
CHOICE_WORDS = "Monster: tall purple body, three eyes, grin with teeth, bunny ears, stars, top hat"
MONSTER = reverse("pupil_monster")
PREVIEW = reverse("pupil_monster_preview")
NOTICE_TEXT = "Your teacher and your grown-ups at home can see your points."


def _parse(svg: str) -> ElementTree.Element:
    """Parse the server's own SVG (fixed snippets, no outside input), failing if malformed."""
    return ElementTree.fromstring(svg)  # noqa: S314


@pytest.fixture
def maya(school_class: SchoolClass) -> Pupil:
    pupil = PupilFactory(school_class=school_class, first_name="Maya", surname="Brightwater")
    give_picture_code(pupil)
    return pupil


@pytest.fixture
def maya_client(maya: Pupil) -> Client:
    assert maya.user is not None
    return pupil_client_for(maya.user)


def _svg_label(html: str) -> str | None:
    start = html.index("<svg")
    root = _parse(html[start : html.index("</svg>", start) + len("</svg>")])
    return root.get("aria-label")


def test_R27_pupil_sees_the_picker_with_every_part_and_their_monster(
    maya_client: Client, maya: Pupil, school_class: SchoolClass
) -> None:
    PupilFactory(school_class=school_class, first_name="Amir", surname="Khanzada")
    Avatar.objects.create(pupil=maya, **CHOICE)
    response = maya_client.get(MONSTER)
    html = response.content.decode()
    assert response.status_code == 200
    assert _svg_label(html) == CHOICE_WORDS
    for kind, value in CHOICE.items():
        assert f'name="{kind}" value="{value}" checked' in html
    # 6 bodies, 8 colours, 8 eyes, 8 mouths, 8 ears and none, 7 patterns and none, 8 things
    # to wear and none.
    assert html.count('type="radio"') == 56
    assert 'hx-get="/points/me/monster/preview/"' in html
    assert 'hx-params="not csrfmiddlewaretoken"' in html  # the token stays out of URLs
    assert "Save my monster" in html and "Show me" in html
    assert "Amir" not in html and "Brightwater" not in html


def test_R27_pupil_saves_their_monster_and_sees_it_at_home(
    maya_client: Client, maya: Pupil
) -> None:
    response = maya_client.post(MONSTER, {**CHOICE, "action": "save"}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert str(MONSTER_SAVED) in html
    assert CHOICE_WORDS in html
    assert Avatar.objects.get(pupil=maya).colour == "purple"


@pytest.mark.parametrize(
    "forged",
    [
        {**CHOICE, "wings": "big"},
        {**CHOICE, "body": "dragon"},
        {key: value for key, value in CHOICE.items() if key != "eyes"},
        {**CHOICE, "colour": "<script>alert(1)</script>"},
    ],
)
def test_R27_a_forged_part_is_refused_with_the_message_and_nothing_saved(
    maya_client: Client, forged: dict[str, str]
) -> None:
    response = maya_client.post(MONSTER, {**forged, "action": "save"})
    html = response.content.decode()
    assert response.status_code == 400
    assert str(FORGED_PART).replace("'", "&#x27;") in html
    assert "<script>alert" not in html
    assert not Avatar.objects.exists()


def test_R27_show_me_previews_the_choice_without_script_and_saves_nothing(
    maya_client: Client,
) -> None:
    response = maya_client.post(MONSTER, {**CHOICE, "action": "show"})
    html = response.content.decode()
    assert response.status_code == 200
    assert _svg_label(html) == CHOICE_WORDS
    assert 'name="body" value="tall" checked' in html
    assert not Avatar.objects.exists()


def test_R27_the_preview_answers_htmx_with_only_the_preview(maya_client: Client) -> None:
    response = maya_client.get(PREVIEW, {**CHOICE, "body": "round"}, HTTP_HX_REQUEST="true")
    html = response.content.decode().strip()
    assert response.status_code == 200
    assert html.startswith("<svg")
    assert "<form" not in html and "<html" not in html
    assert _svg_label(html) == CHOICE_WORDS.replace("tall", "round")
    assert not Avatar.objects.exists()


def test_R27_the_preview_refuses_a_forged_part(maya_client: Client) -> None:
    response = maya_client.get(PREVIEW, {**CHOICE, "body": "dragon"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "<svg" not in response.content.decode()


def test_R27_the_preview_without_htmx_sends_to_the_picker(maya_client: Client) -> None:
    response = maya_client.get(PREVIEW, CHOICE, follow=True)
    assert response.redirect_chain[0][0].startswith(MONSTER + "?")
    html = response.content.decode()
    assert _svg_label(html) == CHOICE_WORDS
    assert 'name="body" value="tall" checked' in html
    assert not Avatar.objects.exists()


@pytest.mark.parametrize("url_name", ["pupil_monster", "pupil_monster_preview"])
def test_R27_a_parent_or_teacher_cannot_open_the_pupil_pages(
    url_name: str, maya: Pupil, teacher: Any
) -> None:
    parent = ParentLinkFactory(pupil=maya).parent
    for user in (parent, teacher):
        client = client_for(user)
        assert client.get(reverse(url_name), HTTP_HX_REQUEST="true").status_code == 404
    assert client_for(parent).post(MONSTER, {**CHOICE, "action": "save"}).status_code == 404
    assert client_for(parent).post(reverse("pupil_notice")).status_code == 404
    assert not Avatar.objects.exists()


def test_picture_notice_shows_at_home_until_the_pupil_says_ok(
    maya_client: Client, maya: Pupil
) -> None:
    home = maya_client.get(reverse("home")).content.decode()
    assert NOTICE_TEXT in home
    assert "Hello, Maya!" in home
    assert reverse("pupil_monster") in home and reverse("pupil_points") in home
    response = maya_client.post(reverse("pupil_notice"))
    assert response.status_code == 302 and response["Location"] == reverse("home")
    home = maya_client.get(reverse("home")).content.decode()
    assert NOTICE_TEXT not in home
    assert "Hello, Maya!" in home and "Monster: " in home


def test_picture_notice_shows_again_after_the_next_sign_in(
    maya_client: Client, maya: Pupil
) -> None:
    maya_client.post(reverse("pupil_notice"))
    maya_client.post(reverse("account_logout"))
    assert maya.user is not None
    again = pupil_client_for(maya.user)
    assert NOTICE_TEXT in again.get(reverse("home")).content.decode()


def test_R27_pupil_home_shows_their_default_monster_from_day_one(
    maya_client: Client, maya: Pupil
) -> None:
    home = maya_client.get(reverse("home")).content.decode()
    assert 'class="monster"' in home
    assert not Avatar.objects.exists()


def _reset(client: Client, pupil: Pupil, **data: str) -> Any:
    return client.post(reverse("points_avatar_reset", args=[pupil.pk]), data)


def test_R27_staff_of_the_class_reset_a_monster(maya: Pupil, teacher: Any) -> None:
    Avatar.objects.create(pupil=maya, **CHOICE)
    client = client_for(teacher)
    response = _reset(client, maya, next="/points/class/1/")
    assert response.status_code == 302 and response["Location"] == "/points/class/1/"
    assert not Avatar.objects.exists()
    page = client.get(reverse("home"))
    assert str(MONSTER_RESET % {"name": "Maya"}) in page.content.decode().replace("&#x27;", "'")


def test_R27_reset_goes_home_rather_than_to_another_site(maya: Pupil) -> None:
    Avatar.objects.create(pupil=maya, **CHOICE)
    response = _reset(client_for(OfficeFactory()), maya, next="https://evil.example/")
    assert response["Location"] == reverse("home")
    assert not Avatar.objects.exists()


def test_R27_staff_of_another_class_a_parent_or_the_pupil_cannot_reset(
    maya: Pupil, maya_client: Client
) -> None:
    Avatar.objects.create(pupil=maya, **CHOICE)
    other = assign_teacher(TeacherFactory(), SchoolClassFactory(name="Ash"))
    parent = ParentLinkFactory(pupil=maya).parent
    for client in (client_for(other), client_for(parent), maya_client):
        assert _reset(client, maya).status_code == 404
    assert _reset(client_for(other), Pupil(pk=maya.pk + 999)).status_code == 404
    assert Avatar.objects.get().body == "tall"


def test_R27_reset_is_post_only(maya: Pupil, teacher: Any) -> None:
    Avatar.objects.create(pupil=maya, **CHOICE)
    response = client_for(teacher).get(reverse("points_avatar_reset", args=[maya.pk]))
    assert response.status_code == 405
    assert Avatar.objects.exists()
