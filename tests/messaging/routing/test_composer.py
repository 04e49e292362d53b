"""R22 in the composer: a parent whose message reads like the office's is told why before it
is sent, in their own language, and may still send it to the teacher; a message in another
language is read by its English translation (R34's engine: here the stand-in); the office's
own words count on top of the model."""

from __future__ import annotations

import datetime as dt
import html
import shutil
import zoneinfo
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from classes.models import Pupil
from messaging.models import Message, OfficePhrase, Thread, Topic
from messaging.routing import OFFICE_MATTER, PROGRESS_MATTER, WHY, WORDS_WHY, offer_for
from tests.clock import at
from tests.conftest import client_for
from tests.requirements import require_or_skip
from tests.translation.standin import StandIn, libretranslate_routes
from tests.translation.test_translation import use_server

pytestmark = pytest.mark.django_db

TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
PHONE = "01302 555 0100"
CHICKENPOX_PL = "Maya ma ospę wietrzną, więc zostaje w domu"
CHICKENPOX_EN = "Maya has chickenpox, so she stays at home"


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def start(client: Client, maya: Pupil, teacher, body: str, **choice: str):
    data = {"to": f"{maya.pk}-{teacher.pk}", "body": body, **choice}
    with at(TUESDAY_1000):
        return client.post(reverse("messaging_start"), data)


def office_matter(label: str) -> str:
    return str(OFFICE_MATTER % {"topics": label, "phone": PHONE})


def test_R22_the_parent_is_told_why_and_may_still_send_it_to_the_teacher(
    school, parent_with_child, teacher
) -> None:
    parent, maya = parent_with_child
    client = client_for(parent)
    draft = "I'm not happy at all with the way my son was spoken to"
    page = text_of(start(client, maya, teacher, draft))
    assert str(WHY["complaint"]) in page
    assert office_matter("Complaint") in page
    assert 'name="topic" value="complaint"' in page
    assert "Send to Mrs Patel anyway" in page
    assert not Message.objects.exists()

    sent = start(client, maya, teacher, draft, route="teacher")
    assert sent.status_code == 302
    message = Message.objects.get()
    assert (message.thread.teacher, message.body) == (teacher, draft)


def test_R22_a_progress_question_is_offered_a_meeting_and_says_why(
    school, parent_with_child, teacher
) -> None:
    parent, maya = parent_with_child
    page = text_of(start(client_for(parent), maya, teacher, "How is Maya doing in maths?"))
    assert str(WHY["progress"]) in page and str(PROGRESS_MATTER) in page
    assert "Ask for a meeting" in page and "Send to the school office" not in page


@pytest.mark.parametrize(
    "draft",
    [
        "What time do they get back from the trip on Thursday? I need to collect him",
        "Is there homework over the Christmas holidays?",
    ],
)
def test_R22_a_question_for_the_teacher_goes_straight_to_the_teacher(
    school, parent_with_child, teacher, draft
) -> None:
    parent, maya = parent_with_child
    sent = start(client_for(parent), maya, teacher, draft)
    assert sent.status_code == 302
    assert Message.objects.get().thread.teacher == teacher


@pytest.fixture
def polish_parent(parent_with_child, settings) -> Iterator[tuple]:
    """A Polish-speaking parent, and the translation stand-in as the school's engine."""
    parent, maya = parent_with_child
    parent.preferred_language = "pl"
    parent.save()

    def translate(text: str, source: str, target: str) -> str:
        return CHICKENPOX_EN if text == CHICKENPOX_PL else text

    server = StandIn(libretranslate_routes(translate))
    use_server(settings, "libretranslate", server.url)
    yield parent, maya, server
    server.stop()


def polish(message) -> str:
    with translation.override("pl"):
        return str(message)


def test_R22_R34_a_polish_message_is_read_in_english_and_the_parent_told_why_in_polish(
    school, polish_parent, teacher
) -> None:
    parent, maya, server = polish_parent
    client = client_for(parent)
    page = text_of(start(client, maya, teacher, CHICKENPOX_PL))
    assert [r.params["q"] for r in server.requests_to("/translate")] == [CHICKENPOX_PL]
    assert polish(WHY["sickness"]) in page
    assert "Przed wysłaniem" in page and "Mimo to wyślij do: Mrs Patel" in page
    with translation.override("en"):
        assert str(WHY["sickness"]) not in page  # not in English
    assert not Message.objects.exists()

    sent = start(client, maya, teacher, CHICKENPOX_PL, route="teacher")
    assert sent.status_code == 302
    message = Message.objects.get()
    assert (message.thread.teacher, message.body, message.language) == (
        teacher,
        CHICKENPOX_PL,
        "pl",
    )


def test_R22_the_polish_parent_may_send_it_to_the_office_instead(
    school, polish_parent, teacher
) -> None:
    parent, maya, _server = polish_parent
    sent = start(
        client_for(parent), maya, teacher, CHICKENPOX_PL, route="office", topic="sickness"
    )
    thread = Thread.objects.get()
    assert sent.status_code == 302
    assert (thread.teacher, thread.topic, thread.messages.get().body) == (
        None,
        Topic.SICKNESS,
        CHICKENPOX_PL,
    )


def test_R22_without_translation_only_the_office_words_read_another_language(
    school, parent_with_child, teacher
) -> None:
    parent, maya = parent_with_child
    parent.preferred_language = "pl"
    parent.save()
    client = client_for(parent)
    assert start(client, maya, teacher, "Maya jest chora").status_code == 302  # sent
    OfficePhrase.objects.create(topic=Topic.SICKNESS, phrase="chora")
    page = text_of(start(client, maya, teacher, "Maya jest dziś chora"))
    assert polish(WORDS_WHY) % {"words": "chora", "topic": "Choroba"} in page
    assert Message.objects.count() == 1


def test_R22_the_office_words_are_rules_on_top_of_the_model(
    school, parent_with_child, teacher
) -> None:
    parent, maya = parent_with_child
    client = client_for(parent)
    draft = "Nits again in Oak class"
    assert start(client, maya, teacher, draft).status_code == 302  # the model: the teacher's
    OfficePhrase.objects.create(topic=Topic.SICKNESS, phrase="nits")
    page = text_of(start(client, maya, teacher, draft))
    assert str(WORDS_WHY % {"words": "Nits", "topic": "Sickness"}) in page
    assert office_matter("Sickness") in page
    assert Message.objects.count() == 1


@pytest.fixture
def apertium(settings) -> None:
    require_or_skip(
        shutil.which("apertium") is not None,
        "needs Debian's apertium and apertium-eng-spa (apt-get install apertium apertium-eng-spa)",
    )
    settings.TRANSLATION_BACKEND = "apertium"
    settings.TRANSLATION_TIMEOUT = 30  # the engine's start-up, on a machine shared with others


@pytest.mark.usefixtures("apertium")
@pytest.mark.parametrize(
    ("draft", "category"),
    [
        ("Mi hija está enferma hoy, tiene fiebre.", "sickness"),
        ("Su abuela lo recogerá hoy a las tres.", "urgent"),
        ("¿Cómo va Amir en matemáticas?", "progress"),
        ("Gracias por las fotos de la excursión.", None),
    ],
)
def test_R22_R34_a_spanish_message_is_read_through_a_real_engine(school, draft, category) -> None:
    """Debian's Apertium, a real engine, translates Spanish for the model (its English is
    rough: "My daughter is patient today, has fever")."""
    offer = offer_for(draft, language="es")
    assert (offer.categories[0] if offer else None) == category


def test_R22_R32_on_a_right_to_left_page_the_parents_words_keep_their_direction(
    school, parent_with_child, teacher
) -> None:
    parent, maya = parent_with_child
    parent.preferred_language = "ar"
    parent.save()
    OfficePhrase.objects.create(topic=Topic.SICKNESS, phrase="nits")
    page = text_of(start(client_for(parent), maya, teacher, "Nits again in Oak class"))
    assert '<html lang="ar" dir="rtl">' in page
    with translation.override("ar"):
        label = str(Topic.SICKNESS.label)
        assert str(WORDS_WHY) % {"words": "\u2068Nits\u2069", "topic": label} in page
