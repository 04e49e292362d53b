"""Invite letters in English and in the family's home language (R33): each slip, the QR code
and the code on it, in English whatever the office's own language, and then in the home
language the school's records give, marked with its ``lang`` and ``dir``."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from classes.models import Pupil, SchoolClass
from tests.conftest import client_for
from tests.factories import OfficeFactory, PupilFactory, with_totp

pytestmark = pytest.mark.django_db

PUPILS_URL = reverse("admin:classes_pupil_changelist")
STEP = "Type the code and your child’s date of birth."
CODE = re.compile(r'<p class="slip-code">([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})</p>')


@pytest.fixture
def office(school: Any) -> User:
    office = OfficeFactory()
    with_totp(office)
    return office


def letters(client: Client, pupils: list[Pupil]) -> str:
    response = client.post(
        PUPILS_URL,
        {"action": "generate_invite_letters", "_selected_action": [p.pk for p in pupils]},
    )
    assert response.status_code == 200
    return response.content.decode()


def in_language(code: str, text: str) -> str:
    with translation.override(code):
        return translation.gettext(text)


def article_of(html: str, number: int) -> str:
    return html.split("<article ")[number + 1].split("</article>")[0]


def test_R33_a_letter_is_in_english_and_in_the_familys_home_language(
    office: User, school_class: SchoolClass
) -> None:
    maya = PupilFactory(school_class=school_class, first_name="Maya", home_language="pl")

    html = letters(client_for(office), [maya])

    letter = article_of(html, 0)
    assert letter.startswith('class="letter letter-bilingual"')
    assert letter.count('<section class="slip">') == 2
    assert letter.count('<div class="slip-english" lang="en-gb" dir="ltr">') == 2
    assert letter.count('<div class="slip-translation" lang="pl" dir="ltr">') == 2
    english, polish = letter.split('<div class="slip-translation"')[:2]
    assert STEP in english.replace("&#x27;", "’")
    assert in_language("pl", STEP) in polish and in_language("pl", STEP) != STEP
    # each translated half repeats its slip's code, left to right
    codes = CODE.findall(letter)
    assert len(codes) == 2
    for code in codes:
        assert f'<bdi class="slip-code-again" dir="ltr">{code}</bdi>' in letter
    assert letter.count("<svg ") == 2


def test_R33_right_to_left_home_languages_are_marked_so(
    office: User, school_class: SchoolClass
) -> None:
    leo = PupilFactory(school_class=school_class, home_language="ar")

    letter = article_of(letters(client_for(office), [leo]), 0)

    assert letter.count('<div class="slip-translation" lang="ar" dir="rtl">') == 2
    assert in_language("ar", "Create your account.") in letter


@pytest.mark.parametrize("home_language", ["", "en-gb"])
def test_R33_a_family_with_no_other_home_language_gets_the_english_letter(
    office: User, school_class: SchoolClass, home_language: str
) -> None:
    ava = PupilFactory(school_class=school_class, home_language=home_language)

    html = letters(client_for(office), [ava])

    assert '<article class="letter" ' in html
    assert "slip-translation" not in html
    assert "letter-bilingual" not in html


def test_R33_the_letter_is_english_whatever_the_offices_language(
    office: User, school_class: SchoolClass
) -> None:
    User.objects.filter(pk=office.pk).update(preferred_language="es")
    ava = PupilFactory(school_class=school_class, home_language="ro")

    html = letters(client_for(office), [ava])

    assert '<html lang="es">' in html
    letter = article_of(html, 0)
    english = letter.split('<div class="slip-translation"')[0]
    assert STEP in english.replace("&#x27;", "’")
    assert in_language("es", STEP) not in letter
    assert in_language("ro", STEP) in letter
