"""The class award screen (R25): staff of the class give points to one pupil, several or the
whole class in one round trip; a double-click gives one award; only the author undoes."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from classes.models import Pupil, SchoolClass
from points.forms import CHOOSE_SKILL, UNKNOWN_PUPIL
from points.models import Award, Skill, SkillKind
from points.services.awards import NO_PUPILS, NOTHING_TO_UNDO, SKILL_NOT_FOR_CLASS
from points.views.award import AWARDED, AWARDED_CLASS, UNDONE
from tests.conftest import client_for
from tests.factories import (
    CoverAssignmentFactory,
    LeaderFactory,
    OfficeFactory,
    ParentFactory,
    PupilFactory,
    SchoolClassFactory,
    SupportFactory,
    TeacherFactory,
    assign_support,
    assign_teacher,
)

pytestmark = pytest.mark.django_db
HTMX: dict[str, Any] = {"headers": {"HX-Request": "true"}}


@pytest.fixture
def resilience(db: None) -> Skill:
    return Skill.objects.get(name="Resilience")


@pytest.fixture
def amir_maya(school, school_class: SchoolClass) -> tuple[Pupil, Pupil]:
    # Two Amirs in the class: R6 shows them as "Amir Kh." and "Amir Ko.".
    amir = PupilFactory(school_class=school_class, first_name="Amir", surname="Khan")
    PupilFactory(school_class=school_class, first_name="Amir", surname="Kowalski")
    maya = PupilFactory(school_class=school_class, first_name="Maya", surname="Okafor")
    return amir, maya


def award_url(school_class: SchoolClass) -> str:
    return reverse("points_award", args=[school_class.pk])


def screen_url(school_class: SchoolClass) -> str:
    return reverse("points_class", args=[school_class.pk])


def post_award(client: Client, school_class: SchoolClass, skill: Skill, **data):
    """POST a click: the keyword arguments are form fields, and ``headers``."""
    headers = data.pop("headers", {})
    payload = {"skill": skill.pk, "batch": str(uuid.uuid4()), "note": "", **data}
    return client.post(award_url(school_class), payload, headers=headers)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def batch_on(html: str) -> str:
    match = re.search(r'name="batch" value="([0-9a-f-]{36})"', html)
    assert match, "the form carries a batch id"
    return match.group(1)


# The screen ----------------------------------------------------------------------------------


def test_R25_screen_shows_tiles_by_display_name_and_the_class_skills(
    teacher: User, school_class: SchoolClass, amir_maya, resilience: Skill
) -> None:
    own = Skill.objects.create(
        name="Tidy tables",
        kind=SkillKind.POSITIVE,
        value=2,
        icon="star",
        school_class=school_class,
    )
    other = Skill.objects.create(
        name="Other class skill",
        kind=SkillKind.POSITIVE,
        value=1,
        icon="star",
        school_class=SchoolClassFactory(),
    )
    archived = Skill.objects.create(
        name="Old skill", kind=SkillKind.NEEDS_WORK, value=-1, icon="clock", archived=True
    )
    html = client_for(teacher).get(screen_url(school_class)).content.decode()
    assert html.index("Amir Kh.") < html.index("Amir Ko.") < html.index("Maya")
    assert "Khan" not in html and "Okafor" not in html  # R6: never a surname
    assert "Resilience" in html and own.name in html
    assert other.name not in html and archived.name not in html
    assert 'aria-live="polite"' in html
    assert html.count('name="pupils"') == 3


def test_R25_screen_shows_points_today_but_never_ranks(
    teacher: User, school_class: SchoolClass, amir_maya, resilience: Skill
) -> None:
    amir, maya = amir_maya
    Award.objects.create(
        pupil=maya, school_class=school_class, skill=resilience, value=5, awarded_by=teacher
    )
    Award.objects.create(  # yesterday's points are not today's
        pupil=amir,
        school_class=school_class,
        skill=resilience,
        value=3,
        awarded_at=timezone.now() - dt.timedelta(days=2),
    )
    html = client_for(teacher).get(screen_url(school_class)).content.decode()
    assert html.index("Amir Kh.") < html.index("Maya")  # by name, not by points
    assert f'data-pupil="{maya.pk}">+5 today' in html
    assert f'data-pupil="{amir.pk}">0 today' in html


@pytest.mark.parametrize("factory", [ParentFactory, OfficeFactory, TeacherFactory, SupportFactory])
def test_R25_screen_does_not_exist_for_anyone_but_staff_of_the_class(
    factory, school_class: SchoolClass, amir_maya, resilience: Skill
) -> None:
    client = client_for(factory())
    assert client.get(screen_url(school_class)).status_code == 404
    amir, _maya = amir_maya
    response = post_award(client, school_class, resilience, pupils=[amir.pk])
    assert response.status_code == 404
    assert not Award.objects.exists()


def test_R25_support_staff_and_covering_teacher_award(
    school_class: SchoolClass, amir_maya, resilience: Skill
) -> None:
    amir, _maya = amir_maya
    support = assign_support(SupportFactory(), school_class)
    cover = CoverAssignmentFactory(school_class=school_class).teacher
    for user in (support, cover):
        assert client_for(user).get(screen_url(school_class)).status_code == 200
        post_award(client_for(user), school_class, resilience, pupils=[amir.pk])
    assert Award.objects.filter(pupil=amir).count() == 2


def _make_class(size: int, awards: int, skill: Skill, teacher: User) -> SchoolClass:
    school_class = SchoolClassFactory()
    assign_teacher(teacher, school_class)
    pupils = PupilFactory.create_batch(size, school_class=school_class)
    now = timezone.now()
    rows = [
        Award(
            pupil=pupils[n % size],
            school_class=school_class,
            skill=skill,
            value=1,
            awarded_by=teacher,
            awarded_at=now - dt.timedelta(minutes=n),
            batch=uuid.uuid4(),
        )
        for n in range(awards)
    ]
    Award.objects.bulk_create(rows, batch_size=5000)
    return school_class


def _screen_queries(client: Client, school_class: SchoolClass) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(screen_url(school_class))
    assert response.status_code == 200
    return len(queries)


def test_R25_screen_query_count_does_not_grow_with_pupils(
    school, teacher: User, resilience: Skill
) -> None:
    client = client_for(teacher)
    small = _screen_queries(client, _make_class(10, 10, resilience, teacher))
    assert _screen_queries(client, _make_class(60, 10, resilience, teacher)) == small


def test_R25_screen_query_count_does_not_grow_with_awards(
    school, teacher: User, resilience: Skill
) -> None:
    # A hundred times as many awards: a query per award would show. Speed is measured in
    # benchmarks/ (award_points.py), not here.
    many = 10_000
    client = client_for(teacher)
    few = _screen_queries(client, _make_class(30, 100, resilience, teacher))
    assert _screen_queries(client, _make_class(30, many, resilience, teacher)) == few


# Giving points -------------------------------------------------------------------------------


def test_R25_award_to_one_pupil_with_note(
    teacher: User, school_class: SchoolClass, amir_maya, resilience: Skill
) -> None:
    amir, _maya = amir_maya
    response = post_award(
        client_for(teacher), school_class, resilience, pupils=[amir.pk], note="Kept going."
    )
    award = Award.objects.get()
    assert (award.pupil, award.value, award.note, award.awarded_by) == (
        amir,
        1,
        "Kept going.",
        teacher,
    )
    assert response.status_code == 302
    assert response["Location"] == f"{screen_url(school_class)}?last={award.batch}"
    assert messages_of(response) == [
        AWARDED % {"value": "+1", "skill": "Resilience", "names": "Amir Kh."}
    ]


def test_R25_plain_post_comes_back_to_the_screen_with_an_undo_button(
    teacher: User, school_class: SchoolClass, amir_maya, resilience: Skill
) -> None:
    amir, _maya = amir_maya
    client = client_for(teacher)
    response = post_award(client, school_class, resilience, pupils=[amir.pk])
    page = client.get(response["Location"]).content.decode()
    batch = Award.objects.get().batch
    assert "+1 Resilience for Amir Kh." in page
    assert reverse("points_undo", args=[batch]) in page


def test_R25_award_to_several_pupils_names_them(
    teacher: User, school_class: SchoolClass, amir_maya, resilience: Skill
) -> None:
    amir, maya = amir_maya
    response = post_award(
        client_for(teacher), school_class, resilience, pupils=[maya.pk, amir.pk], **HTMX
    )
    assert set(Award.objects.values_list("pupil", flat=True)) == {amir.pk, maya.pk}
    html = response.content.decode()
    assert "+1 Resilience for Amir Kh. and Maya" in html


def test_R25_htmx_award_returns_confirmation_fresh_totals_and_a_new_batch(
    teacher: User, school_class: SchoolClass, amir_maya, resilience: Skill
) -> None:
    amir, _maya = amir_maya
    sent = str(uuid.uuid4())
    response = client_for(teacher).post(
        award_url(school_class),
        {"skill": resilience.pk, "pupils": [amir.pk], "batch": sent},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment, not a page
    assert "+1 Resilience for Amir Kh." in html
    assert reverse("points_undo", args=[sent]) in html
    assert f'data-pupil="{amir.pk}">+1 today' in html
    # Only the awarded pupil's tile is swapped (unticked, new total); the others stay.
    assert f'<li id="tile-{amir.pk}" hx-swap-oob="true">' in html
    assert html.count('hx-swap-oob="true"') == 2  # the tile, and the batch and note
    assert batch_on(html) != sent  # the next click is a new click


def test_R25_whole_class_is_one_bulk_insert_whatever_its_size(
    school, teacher: User, resilience: Skill
) -> None:
    def inserts(size: int) -> int:
        school_class = SchoolClassFactory()
        assign_teacher(teacher, school_class)
        PupilFactory.create_batch(size, school_class=school_class)
        client = client_for(teacher)
        with CaptureQueriesContext(connection) as queries:
            response = post_award(client, school_class, resilience, whole_class="on", **HTMX)
        html = response.content.decode()
        assert f"+1 Resilience for the whole class ({size})" in html
        assert '<li id="tile-whole-class" hx-swap-oob="true">' in html  # unticked again
        assert html.count('id="tile-today-') == size  # every pupil's points today, fresh
        assert "<svg" not in html, "a whole-class click does not redraw thirty monsters"
        assert Award.objects.filter(school_class=school_class).count() == size
        writes = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
        assert len(writes) == 1
        return len(queries)

    assert inserts(10) == inserts(60)


def test_R25_a_whole_class_click_unticks_pupils_ticked_as_well(
    school, teacher: User, school_class: SchoolClass, resilience: Skill
) -> None:
    ticked, other = (
        PupilFactory(school_class=school_class),
        PupilFactory(school_class=school_class),
    )
    response = post_award(
        client_for(teacher), school_class, resilience, whole_class="on", pupils=[ticked.pk], **HTMX
    )
    html = response.content.decode()
    assert f'<li id="tile-{ticked.pk}" hx-swap-oob="true">' in html  # redrawn, unticked
    assert f'<li id="tile-{other.pk}"' not in html  # only its points badge changes
    assert f'id="tile-today-{other.pk}"' in html
    assert Award.objects.filter(school_class=school_class).count() == 2


def test_R25_whole_class_message_without_js(
    teacher: User, school_class: SchoolClass, amir_maya, resilience: Skill
) -> None:
    cooperation = Skill.objects.get(name="Cooperation")
    response = post_award(client_for(teacher), school_class, cooperation, whole_class="on")
    assert messages_of(response) == [
        AWARDED_CLASS % {"value": "+1", "skill": "Cooperation", "count": 3}
    ]


def test_R25_double_click_gives_one_award_each(
    teacher: User, school_class: SchoolClass, amir_maya, resilience: Skill
) -> None:
    client = client_for(teacher)
    html = client.get(screen_url(school_class)).content.decode()
    batch = batch_on(html)
    for _click in range(2):
        post_award(client, school_class, resilience, whole_class="on", batch=batch, **HTMX)
    assert Award.objects.count() == 3
    assert Award.objects.filter(batch=batch).count() == 3


# Bad input: refused with a clear message, nothing written -------------------------------------


def test_R25_pupil_of_another_class_is_404_and_nothing_written(
    teacher: User, school_class: SchoolClass, amir_maya, resilience: Skill
) -> None:
    amir, _maya = amir_maya
    stranger = PupilFactory(school_class=SchoolClassFactory())
    response = post_award(
        client_for(teacher), school_class, resilience, pupils=[amir.pk, stranger.pk]
    )
    assert response.status_code == 404
    assert not Award.objects.exists()


def test_R25_skill_of_another_class_is_refused(
    teacher: User, school_class: SchoolClass, amir_maya
) -> None:
    amir, _maya = amir_maya
    theirs = Skill.objects.create(
        name="Theirs",
        kind=SkillKind.POSITIVE,
        value=1,
        icon="star",
        school_class=SchoolClassFactory(),
    )
    client = client_for(teacher)
    response = post_award(client, school_class, theirs, pupils=[amir.pk])
    assert messages_of(response) == [str(SKILL_NOT_FOR_CLASS)]
    htmx = post_award(client, school_class, theirs, pupils=[amir.pk], **HTMX)
    assert str(SKILL_NOT_FOR_CLASS) in htmx.content.decode()
    assert not Award.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"skill": "999999"}, CHOOSE_SKILL),
        ({"skill": "resilience"}, CHOOSE_SKILL),
        ({"skill": ""}, CHOOSE_SKILL),
        ({"pupils": ["amir"]}, UNKNOWN_PUPIL),
        ({"pupils": []}, NO_PUPILS),
    ],
)
def test_R25_missing_or_invalid_input_gets_a_clear_message(
    teacher: User, school_class: SchoolClass, amir_maya, resilience: Skill, data, message
) -> None:
    amir, _maya = amir_maya
    payload = {"skill": resilience.pk, "pupils": [amir.pk], "batch": str(uuid.uuid4())}
    response = client_for(teacher).post(award_url(school_class), {**payload, **data})
    assert response.status_code == 302
    assert messages_of(response) == [str(message)]
    assert not Award.objects.exists()


# Undo ----------------------------------------------------------------------------------------


def _given(teacher: User, school_class: SchoolClass, pupils: list[Pupil], skill: Skill) -> str:
    batch = str(uuid.uuid4())
    post_award(
        client_for(teacher), school_class, skill, pupils=[p.pk for p in pupils], batch=batch
    )
    return batch


def test_R25_author_undoes_and_undo_twice_says_nothing_to_undo(
    teacher: User, school_class: SchoolClass, amir_maya, resilience: Skill
) -> None:
    batch = _given(teacher, school_class, list(amir_maya), resilience)
    kept = _given(teacher, school_class, [amir_maya[0]], resilience)
    client = client_for(teacher)
    url = reverse("points_undo", args=[batch])
    response = client.post(url, {"class_id": school_class.pk}, **HTMX)
    assert str(UNDONE % {"count": 2}) in response.content.decode()
    assert list(Award.objects.values_list("batch", flat=True)) == [uuid.UUID(kept)]
    again = client.post(url, {"class_id": school_class.pk})
    assert again["Location"] == screen_url(school_class)
    assert messages_of(again) == [str(NOTHING_TO_UNDO)]
    assert Award.objects.count() == 1


def test_R25_undo_by_someone_else_is_refused(
    teacher: User, school_class: SchoolClass, amir_maya, resilience: Skill
) -> None:
    batch = _given(teacher, school_class, list(amir_maya), resilience)
    url = reverse("points_undo", args=[batch])
    colleague = assign_support(SupportFactory(), school_class)
    assert client_for(colleague).post(url).status_code == 403
    for outsider in (assign_teacher(TeacherFactory(), SchoolClassFactory()), LeaderFactory()):
        assert client_for(outsider).post(url).status_code == 404
    assert Award.objects.count() == 2
