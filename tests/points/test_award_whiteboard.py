"""The award screen for a projected whiteboard (R25): the big-screen mode survives a click
without script, the Undo button works inside the award form with and without script, and no
button on the screen is one that does nothing."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from classes.models import SchoolClass
from points.models import Award, Skill
from tests.conftest import client_for
from tests.factories import PupilFactory, SchoolClassFactory, assign_teacher
from tests.points.test_award_screen import HTMX, post_award, screen_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def resilience(db: None) -> Skill:
    return Skill.objects.get(name="Resilience")


def test_R25_big_screen_mode_is_a_link_and_marks_the_page(
    school, teacher: User, school_class: SchoolClass
) -> None:
    client = client_for(teacher)

    normal = client.get(screen_url(school_class)).content.decode()
    big = client.get(screen_url(school_class) + "?big=1").content.decode()

    assert f'href="{screen_url(school_class)}?big=1">Big screen</a>' in normal
    assert "award-big" not in normal
    assert f'href="{screen_url(school_class)}">Normal screen</a>' in big
    assert 'class="award-page award-big"' in big and 'name="big" value="1"' in big


def test_R25_no_button_on_the_screen_does_nothing(
    school, teacher: User, school_class: SchoolClass
) -> None:
    PupilFactory(school_class=school_class, first_name="Maya")
    page = client_for(teacher).get(screen_url(school_class)).content.decode()

    main = page[page.index("<main") : page.index("</main>")]
    buttons = re.findall(r"<button[^>]*>", main)
    assert buttons
    # Every button gives a skill, or is the random picker (shown by its script), or is the
    # form's default button, disabled and hidden so that Enter in the note gives nothing.
    for button in buttons:
        assert (
            'name="skill"' in button
            or "data-random-pupil" in button
            or ("disabled hidden" in button)
        ), button
    assert ">Give points</button>" not in page
    assert re.search(r"<button[^>]*data-random-pupil[^>]*hidden", page)


def test_R25_a_click_without_script_keeps_the_big_screen_and_so_does_undo(
    school, teacher: User, school_class: SchoolClass, resilience: Skill
) -> None:
    maya = PupilFactory(school_class=school_class, first_name="Maya")
    client = client_for(teacher)

    response = post_award(client, school_class, resilience, pupils=[maya.pk], big="1")
    batch = Award.objects.get().batch
    assert response["Location"] == f"{screen_url(school_class)}?last={batch}&big=1"
    page = client.get(response["Location"]).content.decode()
    assert "award-big" in page and "+1 Resilience for Maya" in page
    undo_url = reverse("points_undo", args=[batch])
    assert f'formaction="{undo_url}"' in page  # the Undo button inside the award form

    undone = client.post(undo_url, {"class_id": school_class.pk, "big": "1", "pupils": [maya.pk]})

    assert undone["Location"] == f"{screen_url(school_class)}?big=1"
    assert not Award.objects.exists()


def test_R25_undo_with_htmx_sends_the_award_forms_fields_and_takes_back_only_its_click(
    school, teacher: User, school_class: SchoolClass, resilience: Skill
) -> None:
    maya = PupilFactory(school_class=school_class, first_name="Maya")
    amir = PupilFactory(school_class=school_class, first_name="Amir")
    client = client_for(teacher)
    post_award(client, school_class, resilience, pupils=[amir.pk])
    post_award(client, school_class, resilience, pupils=[maya.pk], **HTMX)
    batch = Award.objects.get(pupil=maya).batch

    # htmx sends the whole award form with the Undo button: a ticked pupil, a note, a skill
    response = client.post(
        reverse("points_undo", args=[batch]),
        {"class_id": school_class.pk, "pupils": [amir.pk], "note": "x", "skill": resilience.pk},
        headers={"HX-Request": "true"},
    )

    assert "Points taken back from 1 pupil." in response.content.decode()
    assert list(Award.objects.values_list("pupil_id", flat=True)) == [amir.pk]


@pytest.mark.parametrize("big", ["", "?big=1"], ids=["normal", "big-screen"])
def test_R25_the_screen_query_count_is_the_same_at_two_class_sizes(
    school, teacher: User, big: str
) -> None:
    def queries(size: int) -> int:
        school_class = SchoolClassFactory()
        assign_teacher(teacher, school_class)
        PupilFactory.create_batch(size, school_class=school_class)
        client = client_for(teacher)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(screen_url(school_class) + big).status_code == 200
        return len(captured)

    assert queries(5) == queries(40)
