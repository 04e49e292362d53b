"""Pupil sign-in pages: class code → name → pictures; the lock, unlocking, the whiteboard QR
page, short sessions, and what a pupil may not reach."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.forms.pupil import TAP_ALL_PICTURES, TYPE_CLASS_CODE
from accounts.models import ParentLink, PupilLogin
from accounts.pictures import PICTURES
from accounts.services.pupil_login import (
    NO_PICTURE_CODE,
    PICTURE_CODE_LOCKED,
    TOO_MANY_CLASS_CODES,
    WRONG_CLASS_CODE,
    WRONG_PICTURE_CODE,
)
from accounts.views.pupil import PUPIL_UNLOCKED
from notifications.tasks import sweep_notifications
from tests.clock import at
from tests.conftest import client_for
from tests.factories import (
    PICTURE_CODE,
    CoverAssignmentFactory,
    InviteCodeFactory,
    OfficeFactory,
    ParentFactory,
    PupilFactory,
    SchoolClassFactory,
    SupportFactory,
    TeacherFactory,
    assign_support,
    assign_teacher,
    give_picture_code,
    with_totp,
)

pytestmark = pytest.mark.django_db

WRONG = ["dog", "dog", "dog", "dog", "dog"]


def code_url(pupil) -> str:
    return reverse("pupil_code", args=[pupil.school_class.class_code, pupil.pk])


def send_code(client: Client, pupil, code: list[str]):
    """What the page's script sends: the five pictures at once."""
    return client.post(code_url(pupil), {"entered": "-".join(code)})


def tap(client: Client, pupil, entered: list[str], picture: str):
    """What a tap sends without script: the pictures so far and the one tapped."""
    return client.post(code_url(pupil), {"entered": "-".join(entered), "picture": picture})


def page(response) -> str:
    return response.content.decode()


def said(text: object) -> str:
    """A message as the page shows it (HTML-escaped)."""
    return escape(str(text))


def signed_in_user(client: Client):
    return client.get(reverse("home")).wsgi_request.user


@pytest.fixture
def maya(school_class):
    pupil = PupilFactory(school_class=school_class, first_name="Maya", surname="Brown")
    give_picture_code(pupil)
    return pupil


# Class code ----------------------------------------------------------------------------------


def test_start_page_asks_for_the_class_code_without_signing_in(school) -> None:
    response = Client().get(reverse("pupil_start"))
    assert response.status_code == 200
    assert 'for="id_class_code"' in page(response)
    assert "Type your class code" in page(response)


def test_the_right_class_code_leads_to_the_class_names(school, school_class) -> None:
    response = Client().post(
        reverse("pupil_start"), {"class_code": school_class.class_code.lower()}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("pupil_class", args=[school_class.class_code])


def test_a_wrong_class_code_says_so_and_shows_no_names(school, school_class) -> None:
    PupilFactory(school_class=school_class, first_name="Maya")
    response = Client().post(reverse("pupil_start"), {"class_code": "ZZZZZZ"})
    assert response.status_code == 200
    assert said(WRONG_CLASS_CODE) in page(response)
    assert "Maya" not in page(response)
    assert 'aria-describedby="id_class_code_error"' in page(response)
    assert 'id="id_class_code_error"' in page(response)


def test_an_empty_class_code_asks_for_one(school) -> None:
    response = Client().post(reverse("pupil_start"), {"class_code": ""})
    assert said(TYPE_CLASS_CODE) in page(response)


def test_a_wrong_class_code_in_the_address_is_not_found(school, school_class) -> None:
    PupilFactory(school_class=school_class, first_name="Maya")
    response = Client().get(reverse("pupil_class", args=["ZZZZZZ"]))
    assert response.status_code == 404
    assert said(WRONG_CLASS_CODE) in page(response)
    assert "Maya" not in page(response)


def test_guessing_class_codes_is_stopped_even_for_the_right_code(
    school, school_class, settings
) -> None:
    client = Client()
    for _ in range(settings.CLASS_CODE_MAX_FAILURES):
        client.post(reverse("pupil_start"), {"class_code": "ZZZZZZ"})
    response = client.post(reverse("pupil_start"), {"class_code": school_class.class_code})
    assert response.status_code == 200
    assert said(TOO_MANY_CLASS_CODES) in page(response)
    response = client.get(reverse("pupil_class", args=[school_class.class_code]))
    assert response.status_code == 429


# Names ---------------------------------------------------------------------------------------


def test_R6_the_class_page_shows_current_pupils_by_display_name(school, school_class) -> None:
    amir = PupilFactory(school_class=school_class, first_name="Amir", surname="Khan")
    PupilFactory(school_class=school_class, first_name="Amir", surname="Smith")
    PupilFactory(school_class=school_class, first_name="Zara", leaving_date=dt.date(2026, 7, 20))
    PupilFactory(school_class=SchoolClassFactory(), first_name="Oscar")

    response = Client().get(reverse("pupil_class", args=[school_class.class_code]))
    html = page(response)
    assert response.status_code == 200
    assert "Amir K." in html
    assert "Amir S." in html
    assert "Khan" not in html
    assert "Smith" not in html
    assert "Zara" not in html, "pupils who have left are not listed"
    assert "Oscar" not in html, "only this class"
    assert code_url(amir) in html


def _class_page_queries(pupils: int) -> int:
    school_class = SchoolClassFactory()
    PupilFactory.create_batch(pupils, school_class=school_class)
    client = Client()
    url = reverse("pupil_class", args=[school_class.class_code])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_class_names_page_query_count_does_not_grow_with_the_class(school) -> None:
    small = _class_page_queries(3)
    large = _class_page_queries(30)
    assert small == large
    assert large == 3


# Picture keypad ------------------------------------------------------------------------------


def test_the_keypad_shows_sixteen_labelled_pictures_and_five_empty_slots(school, maya) -> None:
    response = Client().get(code_url(maya))
    html = page(response)
    assert response.status_code == 200
    assert "Hello, Maya!" in html
    assert "Brown" not in html
    assert html.count('name="picture"') == 16
    for picture in PICTURES:
        assert f'value="{picture.key}"' in html
        assert f'<span class="picture-label">{picture.label}</span>' in html
    assert html.count('class="slot"') == 5
    assert "Start again" in html
    assert ">Sign in<" in html


def test_without_script_each_tap_adds_a_picture_and_start_again_clears(school, maya) -> None:
    client = Client()
    html = page(tap(client, maya, ["cat", "sun"], "boat"))
    assert 'name="entered" value="cat-sun-boat"' in html
    assert html.count("slot slot-filled") == 3
    assert "3 of 5 pictures" in html

    html = page(client.post(code_url(maya), {"entered": "cat-sun-boat", "action": "clear"}))
    assert 'name="entered" value=""' in html
    assert html.count("slot slot-filled") == 0


def test_signing_in_with_too_few_pictures_asks_for_all_five(school, maya) -> None:
    response = Client().post(code_url(maya), {"entered": "cat-sun", "action": "sign_in"})
    assert said(TAP_ALL_PICTURES) in page(response)


def test_a_tampered_sequence_starts_again(school, maya) -> None:
    response = Client().post(code_url(maya), {"entered": "cat-<b>-sun"})
    html = page(response)
    assert "Please start again" in html
    assert 'name="entered" value=""' in html
    assert login_row(maya).failed_attempts == 0


def test_the_fifth_tap_signs_in_and_lands_on_the_home_page(school, maya) -> None:
    client = Client()
    response = tap(client, maya, PICTURE_CODE[:4], PICTURE_CODE[4])
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert "Hello, Maya!" in page(home)
    assert client.session["pupil_started"]
    assert client.session["pupil_last_seen"]


def test_the_right_code_signs_in(school, maya) -> None:
    client = Client()
    response = send_code(client, maya, PICTURE_CODE)
    assert response.status_code == 302
    assert signed_in_user(client) == maya.user


def test_a_wrong_picture_code_says_so_and_nothing_else_changes(school, maya) -> None:
    client = Client()
    response = send_code(client, maya, WRONG)
    html = page(response)
    assert response.status_code == 200
    assert said(WRONG_PICTURE_CODE) in html
    assert 'name="entered" value=""' in html, "the slots are empty for the next try"
    assert not signed_in_user(client).is_authenticated
    row = login_row(maya)
    assert row.failed_attempts == 1
    assert row.locked_at is None
    assert PupilLogin.objects.count() == 1


# A working morning: Tuesday 1 December 2026, 10:00 in London.
TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


def login_row(pupil) -> PupilLogin:
    return PupilLogin.objects.get(pupil=pupil)


def test_the_fifth_wrong_code_locks_tells_the_teacher_once_and_refuses_the_right_code(
    school, maya, teacher, mailoutbox
) -> None:
    client = Client()
    # In working time: the teacher's notice goes out with the next sweep (R19, R31).
    with at(TUESDAY_1000):
        for _ in range(4):
            assert said(WRONG_PICTURE_CODE) in page(send_code(client, maya, WRONG))
        fifth = page(send_code(client, maya, WRONG))
        assert said(PICTURE_CODE_LOCKED) in fifth
        assert 'name="picture"' not in fifth, "no keypad while locked"

        sixth = send_code(client, maya, PICTURE_CODE)
        assert sixth.status_code == 200
        assert said(PICTURE_CODE_LOCKED) in page(sixth)
        assert not signed_in_user(client).is_authenticated
        assert said(PICTURE_CODE_LOCKED) in page(client.get(code_url(maya)))
        sweep_notifications()
        sweep_notifications()

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [teacher.email]
    assert "Maya" in mailoutbox[0].body
    assert "Brown" not in mailoutbox[0].body


def test_a_pupil_without_a_picture_code_is_told_to_ask_their_teacher(school, school_class) -> None:
    pupil = PupilFactory(school_class=school_class)
    html = page(Client().get(code_url(pupil)))
    assert said(NO_PICTURE_CODE) in html
    assert 'name="picture"' not in html


def test_a_pupil_of_another_class_is_not_found(school, school_class, maya) -> None:
    other_class = SchoolClassFactory()
    url = reverse("pupil_code", args=[other_class.class_code, maya.pk])
    assert Client().get(url).status_code == 404
    assert Client().post(url, {"entered": "-".join(PICTURE_CODE)}).status_code == 404


def test_a_pupil_who_has_left_is_not_found(school, maya) -> None:
    maya.leaving_date = dt.date(2026, 7, 20)
    maya.save()
    assert Client().get(code_url(maya)).status_code == 404


def test_signing_in_as_a_pupil_replaces_an_adults_session(school, maya) -> None:
    client = client_for(ParentFactory())
    assert (
        client.get(reverse("pupil_class", args=[maya.school_class.class_code])).status_code == 200
    )
    send_code(client, maya, PICTURE_CODE)
    assert signed_in_user(client) == maya.user


# Teachers: the lock on the home page, and unlocking -------------------------------------------


def lock(pupil) -> None:
    client = Client()
    for _ in range(5):
        send_code(client, pupil, WRONG)


def test_teacher_sees_the_locked_pupil_and_unlocks_them(school, maya, teacher) -> None:
    lock(maya)
    client = client_for(teacher)
    home = page(client.get(reverse("home")))
    assert "Unlock Maya" in home

    response = client.post(reverse("pupil_unlock", args=[maya.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert said(PUPIL_UNLOCKED % {"name": "Maya"}) in page(response)
    assert "Unlock Maya" not in page(response)
    assert send_code(Client(), maya, PICTURE_CODE).status_code == 302


@pytest.mark.parametrize("who", ["support", "cover"])
def test_support_staff_and_covering_teachers_may_unlock(school, maya, who) -> None:
    school_class = maya.school_class
    user = (
        assign_support(SupportFactory(), school_class)
        if who == "support"
        else CoverAssignmentFactory(school_class=school_class).teacher
    )
    lock(maya)
    response = client_for(user).post(reverse("pupil_unlock", args=[maya.pk]))
    assert response.status_code == 302
    assert login_row(maya).locked_at is None


def test_another_classs_teacher_cannot_unlock(school, maya) -> None:
    lock(maya)
    stranger = assign_teacher(TeacherFactory(), SchoolClassFactory())
    response = client_for(stranger).post(reverse("pupil_unlock", args=[maya.pk]))
    assert response.status_code == 404
    assert login_row(maya).locked_at is not None


def test_parents_and_pupils_cannot_unlock(school, maya, school_class) -> None:
    lock(maya)
    classmate = PupilFactory(school_class=school_class)
    give_picture_code(classmate)
    for client in (client_for(ParentFactory()), signed_in_pupil(classmate)):
        response = client.post(reverse("pupil_unlock", args=[maya.pk]))
        assert response.status_code == 404
    assert login_row(maya).locked_at is not None


def test_unlock_answers_post_only(school, maya, teacher) -> None:
    lock(maya)
    response = client_for(teacher).get(reverse("pupil_unlock", args=[maya.pk]))
    assert response.status_code == 405
    assert login_row(maya).locked_at is not None


# The whiteboard page ---------------------------------------------------------------------------


def qr_url(school_class) -> str:
    return reverse("pupil_class_qr", args=[school_class.pk])


@pytest.mark.parametrize("who", ["teacher", "support", "cover", "office"])
def test_class_staff_and_office_see_the_class_code_and_its_qr_code(
    school, school_class, who
) -> None:
    users: dict[str, Callable[[], Any]] = {
        "teacher": lambda: assign_teacher(TeacherFactory(), school_class),
        "support": lambda: assign_support(SupportFactory(), school_class),
        "cover": lambda: CoverAssignmentFactory(school_class=school_class).teacher,
        "office": OfficeFactory,
    }
    response = client_for(users[who]()).get(qr_url(school_class))
    html = page(response)
    assert response.status_code == 200
    assert f'<p class="class-code-huge">{school_class.class_code}</p>' in html
    link = settings.SITE_URL + reverse("pupil_class", args=[school_class.class_code])
    qr = qrcode.make(link, image_factory=qrcode.image.svg.SvgPathImage)
    assert qr.to_string(encoding="unicode") in html, "the QR code opens the class's names page"
    assert 'role="img"' in html


def test_the_qr_page_is_not_found_for_anyone_else(school, school_class, maya) -> None:
    other_teacher = assign_teacher(TeacherFactory(), SchoolClassFactory())
    for client in (client_for(ParentFactory()), signed_in_pupil(maya), client_for(other_teacher)):
        assert client.get(qr_url(school_class)).status_code == 404


# Short sessions --------------------------------------------------------------------------------


def signed_in_pupil(pupil) -> Client:
    client = Client()
    assert send_code(client, pupil, PICTURE_CODE).status_code == 302
    return client


def test_an_idle_pupil_is_signed_out_and_sent_to_the_start(school, maya) -> None:
    start = timezone.now()
    with at(start):
        client = signed_in_pupil(maya)
    with at(start + settings.PUPIL_SESSION_IDLE - dt.timedelta(minutes=1)):
        assert client.get(reverse("home")).status_code == 200
    late = start + 2 * settings.PUPIL_SESSION_IDLE
    with at(late):
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"] == reverse("pupil_start")
        assert not signed_in_user(client).is_authenticated


def test_an_active_pupil_is_signed_out_after_the_absolute_limit(school, maya) -> None:
    start = timezone.now()
    with at(start):
        client = signed_in_pupil(maya)
    step = settings.PUPIL_SESSION_IDLE - dt.timedelta(minutes=1)
    moment = start
    while moment + step < start + settings.PUPIL_SESSION_ABSOLUTE:
        moment += step
        with at(moment):
            assert client.get(reverse("home")).status_code == 200, "still active: still in"
    with at(start + settings.PUPIL_SESSION_ABSOLUTE + dt.timedelta(minutes=1)):
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"] == reverse("pupil_start")
        assert not signed_in_user(client).is_authenticated


# What a pupil cannot reach ---------------------------------------------------------------------


def test_a_pupil_cannot_reach_the_admin(school, maya) -> None:
    client = signed_in_pupil(maya)
    for url in (reverse("admin:index"), reverse("admin:classes_pupil_changelist")):
        response = client.get(url)
        assert response.status_code in {302, 403, 404}
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("admin:login")), (
                "sent to sign in as an adult"
            )
    changelist = client.post(
        reverse("admin:classes_pupil_changelist"),
        {"action": "give_picture_codes", "_selected_action": [maya.pk]},
    )
    assert changelist.status_code in {302, 403, 404}
    assert send_code(Client(), maya, PICTURE_CODE).status_code == 302, "codes unchanged"


def test_a_pupil_cannot_redeem_an_invite_code(school, maya) -> None:
    invite = InviteCodeFactory(pupil=maya, code="ABCDEFGHJKLM")
    client = signed_in_pupil(maya)
    response = client.post(
        "/join/", {"code": "ABCDEFGHJKLM", "date_of_birth": maya.date_of_birth.isoformat()}
    )
    assert response.status_code in {403, 404}
    assert not ParentLink.objects.exists()
    invite.refresh_from_db()
    assert invite.used_at is None


# Printed cards (office) -------------------------------------------------------------------------


def office_client() -> Client:
    # A fixed name: pages show the office member's own name, never a pupil's surname.
    office = OfficeFactory(first_name="Sarah", last_name="Bennett")
    with_totp(office)
    return client_for(office)


def test_office_gives_new_codes_and_gets_printable_cards(school, school_class, maya) -> None:
    leo = PupilFactory(school_class=school_class, first_name="Leo", surname="Patel")
    response = office_client().post(
        reverse("admin:classes_pupil_changelist"),
        {"action": "give_picture_codes", "_selected_action": [maya.pk, leo.pk]},
    )
    html = page(response)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert '<html lang="en-gb"' in html
    assert "<main>" in html
    assert "<title>" in html
    assert "old picture codes stop working now" in html
    assert html.count('class="picture-card"') == 2
    assert "Maya" in html
    assert "Leo" in html
    assert "Brown" not in html, "R6: cards carry display names"
    assert "Patel" not in html
    assert school_class.class_code in html

    old_code = send_code(Client(), maya, PICTURE_CODE)
    assert said(WRONG_PICTURE_CODE) in page(old_code), "the old code stops working"
    assert PupilLogin.objects.filter(pupil=leo).exists()
    leo.refresh_from_db()
    assert leo.user is not None


def test_the_card_shows_the_pictures_in_the_order_of_the_code(school, school_class, maya) -> None:
    with mock.patch(
        "accounts.services.pupil_login.new_picture_code",
        return_value=["moon", "cake", "moon", "car", "heart"],
    ):
        response = office_client().post(
            reverse("admin:classes_pupil_changelist"),
            {"action": "give_picture_codes", "_selected_action": [maya.pk]},
        )
    html = page(response)
    positions = [html.index(f"<span>{label}</span>") for label in ("cake", "car", "heart")]
    assert positions == sorted(positions)
    assert send_code(Client(), maya, ["moon", "cake", "moon", "car", "heart"]).status_code == 302


def test_office_unlocks_from_the_picture_codes_admin(school, maya) -> None:
    lock(maya)
    client = office_client()
    listing = client.get(reverse("admin:accounts_pupillogin_changelist"), {"locked": "yes"})
    assert listing.status_code == 200
    assert "Maya" in page(listing)
    client.post(
        reverse("admin:accounts_pupillogin_changelist"),
        {"action": "unlock", "_selected_action": [login_row(maya).pk]},
    )
    assert login_row(maya).locked_at is None
