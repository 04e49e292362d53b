"""Classroom tablets: set up once by the class's staff, they open the class's sign-in page with
every classmate's monster; a forgotten, expired, forged or copied tablet is refused, and the
tablet's cookie opens nothing else (R15, the pupil allow-list)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from accounts.models import ClassTablet
from accounts.services.tablets import (
    TABLET_ALREADY_FORGOTTEN,
    TABLET_COOKIE,
    TABLET_FORGOTTEN,
    TABLET_SALT,
    TABLET_YEAR_OVER,
    tablet_forget,
    tablet_set_up,
)
from accounts.views.tablet import TABLET_FORGOTTEN_DONE, TABLET_READY
from points.models import Award, Skill
from tests.clock import at
from tests.conftest import client_for
from tests.factories import (
    PICTURE_CODE,
    ParentFactory,
    PupilFactory,
    SchoolClassFactory,
    SupportFactory,
    TeacherFactory,
    assign_support,
    assign_teacher,
    give_picture_code,
)

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


def said(text: object) -> str:
    return escape(str(text))


def tablet_client(value: str) -> Client:
    """A device with nobody signed in that holds a tablet's cookie."""
    client = Client()
    client.cookies[TABLET_COOKIE] = value
    return client


def set_up(teacher, school_class) -> str:
    return tablet_set_up(acting_user=teacher, school_class=school_class)[1]


def test_teacher_sets_up_this_device_and_is_signed_out_of_it(school, school_class, teacher):
    maya = PupilFactory(school_class=school_class, first_name="Maya")
    client = client_for(teacher)

    response = client.post(reverse("pupil_tablet_set_up", args=[school_class.pk]), follow=True)

    assert response.redirect_chain[0] == (reverse("pupil_tablet"), 302)
    assert said(TABLET_READY % {"name": "Oak"}) in response.content.decode()
    assert "_auth_user_id" not in client.session  # the teacher is no longer signed in here
    cookie = client.cookies[TABLET_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    tablet = ClassTablet.objects.get()
    # remembered until the end of the class's school year (2026–27), and no longer
    assert tablet.expires_at == dt.datetime(2027, 9, 1, tzinfo=LONDON)
    assert 0 < int(cookie["max-age"]) <= (tablet.expires_at - tablet.set_up_at).total_seconds()
    page = response.content.decode()
    assert "Tap your monster" in page and "Maya" in page
    assert reverse("pupil_tablet_code", args=[maya.pk]) in page


def test_a_pupil_taps_their_monster_then_their_pictures_and_is_signed_in(
    school, school_class, teacher
):
    maya = PupilFactory(school_class=school_class, first_name="Maya")
    give_picture_code(maya)
    client = tablet_client(set_up(teacher, school_class))

    keypad = client.get(reverse("pupil_tablet_code", args=[maya.pk]))
    assert "Hello, Maya!" in keypad.content.decode()
    assert reverse("pupil_tablet") in keypad.content.decode()  # "Not Maya? Go back"
    response = client.post(
        reverse("pupil_tablet_code", args=[maya.pk]), {"entered": "-".join(PICTURE_CODE)}
    )

    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert int(client.session["_auth_user_id"]) == maya.user_id


def test_the_pupil_start_page_of_a_tablet_goes_to_its_monsters(school, school_class, teacher):
    client = tablet_client(set_up(teacher, school_class))

    response = client.get(reverse("pupil_start"))

    assert response.status_code == 302 and response["Location"] == reverse("pupil_tablet")


def test_a_device_without_a_tablet_cookie_is_sent_to_the_class_code(school):
    client = Client()

    assert client.get(reverse("pupil_tablet"))["Location"] == reverse("pupil_start")
    pupil = PupilFactory()
    response = client.get(reverse("pupil_tablet_code", args=[pupil.pk]))
    assert response["Location"] == reverse("pupil_start")


def test_the_tablet_page_shows_names_and_monsters_but_no_points(school, school_class, teacher):
    maya = PupilFactory(school_class=school_class, first_name="Maya")
    Award.objects.create(
        pupil=maya,
        school_class=school_class,
        skill=Skill.objects.get(name="Resilience", school_class=None),
        value=1,
        awarded_by=teacher,
    )
    client = tablet_client(set_up(teacher, school_class))

    page = client.get(reverse("pupil_tablet")).content.decode()

    assert '<span class="monster-name">Maya</span>' in page
    assert "<svg" in page
    assert "today" not in page and "+1" not in page  # R26: no child's points here


def test_forgotten_tablet_and_every_copy_of_its_cookie_are_refused(school, school_class, teacher):
    maya = PupilFactory(school_class=school_class, first_name="Maya")
    give_picture_code(maya)
    value = set_up(teacher, school_class)
    tablet, copy = tablet_client(value), tablet_client(value)
    assert copy.get(reverse("pupil_tablet")).status_code == 200

    response = client_for(teacher).post(
        reverse("pupil_tablet_forget", args=[ClassTablet.objects.get().pk]), follow=True
    )
    assert said(TABLET_FORGOTTEN_DONE % {"name": "Oak"}) in response.content.decode()

    for client in (tablet, copy):
        refused = client.get(reverse("pupil_tablet"))
        assert refused.status_code == 403
        assert said(TABLET_FORGOTTEN) in refused.content.decode()
        assert "Maya" not in refused.content.decode()
        assert client.cookies[TABLET_COOKIE].value == ""  # dropped from the device
    # the right pictures sent with the copied cookie sign nobody in
    copy = tablet_client(value)
    code_url = reverse("pupil_tablet_code", args=[maya.pk])
    assert copy.get(code_url).status_code == 403
    copy = tablet_client(value)  # the refusal dropped the cookie: a device that kept it
    attempt = copy.post(code_url, {"entered": "-".join(PICTURE_CODE)})
    assert attempt.status_code == 403 and "_auth_user_id" not in copy.session
    assert tablet_client(value).get(reverse("pupil_start")).status_code == 403


def test_a_tablet_stops_at_the_end_of_the_school_year(school, school_class, teacher):
    client = tablet_client(set_up(teacher, school_class))

    with at(dt.datetime(2027, 8, 31, 16, 0, tzinfo=LONDON)):
        assert client.get(reverse("pupil_tablet")).status_code == 200
    with at(dt.datetime(2027, 9, 1, 8, 0, tzinfo=LONDON)):
        refused = client.get(reverse("pupil_tablet"))
    assert refused.status_code == 403 and said(TABLET_FORGOTTEN) in refused.content.decode()


def test_a_class_whose_year_is_over_gets_no_tablet(school, teacher):
    old_oak = SchoolClassFactory(name="Old Oak", academic_year=2025)
    client = client_for(assign_teacher(teacher, old_oak))

    response = client.post(reverse("pupil_tablet_set_up", args=[old_oak.pk]))

    assert response.status_code == 302
    assert said(TABLET_YEAR_OVER) in client.get(response["Location"]).content.decode()
    assert not ClassTablet.objects.exists() and TABLET_COOKIE not in client.cookies


@pytest.mark.parametrize(
    "value",
    [
        "not-a-signed-value",
        signing.dumps({"id": 1, "secret": "x"}, salt="another.salt"),
        signing.dumps(["a", "list"], salt=TABLET_SALT),
        signing.dumps({"id": "1", "secret": 3}, salt=TABLET_SALT),
    ],
    ids=["unsigned", "other-salt", "not-a-dict", "wrong-types"],
)
def test_a_forged_tablet_cookie_is_refused(school, school_class, teacher, value):
    set_up(teacher, school_class)

    response = tablet_client(value).get(reverse("pupil_tablet"))

    assert response.status_code == 403 and said(TABLET_FORGOTTEN) in response.content.decode()


def test_a_signed_cookie_with_the_wrong_secret_is_refused(school, school_class, teacher):
    set_up(teacher, school_class)
    guessed = signing.dumps(
        {"id": ClassTablet.objects.get().pk, "secret": "guessed"}, salt=TABLET_SALT
    )

    assert tablet_client(guessed).get(reverse("pupil_tablet")).status_code == 403


def test_R15_a_tablet_cookie_opens_no_other_page(school, school_class, teacher):
    pupil = PupilFactory(school_class=school_class)
    client = tablet_client(set_up(teacher, school_class))

    for name, args in (
        ("stories_feed", []),
        ("points_class", [school_class.pk]),
        ("pupil_points", []),
        ("pupil_monster", []),
        ("points_child", [pupil.pk]),
        ("pupil_class_tablets", [school_class.pk]),
    ):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("account_login")), name


def test_a_tablet_opens_only_its_own_class_pupils(school, school_class, teacher):
    elsewhere = PupilFactory(school_class=SchoolClassFactory(name="Ash"))
    client = tablet_client(set_up(teacher, school_class))

    assert client.get(reverse("pupil_tablet_code", args=[elsewhere.pk])).status_code == 404


def test_support_staff_of_the_class_may_set_up_and_forget_a_tablet(school, school_class):
    support = assign_support(SupportFactory(), school_class)

    tablet, _value = tablet_set_up(acting_user=support, school_class=school_class)
    tablet_forget(acting_user=support, tablet=tablet)

    tablet.refresh_from_db()
    assert tablet.forgotten_at is not None


def test_staff_of_another_class_and_parents_cannot_manage_a_classes_tablets(
    school, school_class, teacher
):
    tablet, _value = tablet_set_up(acting_user=teacher, school_class=school_class)
    other = client_for(assign_teacher(TeacherFactory(), SchoolClassFactory(name="Ash")))

    assert other.get(reverse("pupil_class_tablets", args=[school_class.pk])).status_code == 404
    assert other.post(reverse("pupil_tablet_set_up", args=[school_class.pk])).status_code == 404
    assert other.post(reverse("pupil_tablet_forget", args=[tablet.pk])).status_code == 404
    parent = client_for(ParentFactory())
    assert parent.get(reverse("pupil_class_tablets", args=[school_class.pk])).status_code == 404
    tablet.refresh_from_db()
    assert tablet.forgotten_at is None and ClassTablet.objects.count() == 1


def test_forgetting_twice_says_so_and_changes_nothing(school, school_class, teacher):
    tablet, _value = tablet_set_up(acting_user=teacher, school_class=school_class)
    client = client_for(teacher)
    client.post(reverse("pupil_tablet_forget", args=[tablet.pk]))
    tablet.refresh_from_db()
    first = tablet.forgotten_at

    response = client.post(reverse("pupil_tablet_forget", args=[tablet.pk]), follow=True)

    assert said(TABLET_ALREADY_FORGOTTEN) in response.content.decode()
    tablet.refresh_from_db()
    assert tablet.forgotten_at == first


def test_the_tablets_page_lists_the_tablets_in_use(school, school_class, teacher):
    tablet_set_up(acting_user=teacher, school_class=school_class)
    forgotten, _value = tablet_set_up(acting_user=teacher, school_class=school_class)
    tablet_forget(acting_user=teacher, tablet=forgotten)

    page = client_for(teacher).get(reverse("pupil_class_tablets", args=[school_class.pk]))

    assert page.content.decode().count("Forget the tablet set up on") == 1


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("size", [3, 30])
def test_tablet_pages_query_counts_do_not_grow_with_the_class(school, teacher, size):
    oak = SchoolClassFactory(name="Elm")
    assign_teacher(teacher, oak)
    pupils = PupilFactory.create_batch(size, school_class=oak)
    give_picture_code(pupils[0])
    client = tablet_client(set_up(teacher, oak))

    # the tablet, the pupils, their names' surnames, their monsters
    assert _queries(client, reverse("pupil_tablet")) == 4
    # the tablet, the pupil with their code row, the names
    assert _queries(client, reverse("pupil_tablet_code", args=[pupils[0].pk])) == 3
    staff = client_for(teacher)
    tablets_url = reverse("pupil_class_tablets", args=[oak.pk])
    assert _queries(staff, tablets_url) == _queries(staff, tablets_url)


def test_a_pupil_signing_out_on_a_tablet_goes_back_to_the_class_monsters(
    school, school_class, teacher
):
    maya = PupilFactory(school_class=school_class, first_name="Maya")
    give_picture_code(maya)
    client = tablet_client(set_up(teacher, school_class))
    client.post(reverse("pupil_tablet_code", args=[maya.pk]), {"entered": "-".join(PICTURE_CODE)})
    assert int(client.session["_auth_user_id"]) == maya.user_id

    response = client.post(reverse("account_logout"), follow=True)

    assert "_auth_user_id" not in client.session
    assert [url for url, _status in response.redirect_chain] == [
        reverse("pupil_start"),
        reverse("pupil_tablet"),
    ]
    assert "Tap your monster" in response.content.decode()


def test_signing_out_elsewhere_still_goes_to_the_sign_in_page(school, teacher):
    response = client_for(teacher).post(reverse("account_logout"))

    assert response["Location"] == reverse("account_login")
