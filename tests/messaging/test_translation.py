"""R17 and R34 for messages, both ways: the worker translates a message into its reader's
language (queued when the message is sent, handed out again by the sweep, never translated in the
web request); the reader sees it marked as machine-translated, in their own language, with the
original one tap away. Through a real worker on Redis, with Debian's Apertium both ways between
Spanish and English; Polish through a LibreTranslate stand-in (Debian has no Polish pair)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import shutil
import zoneinfo
from collections.abc import Iterator

import pytest
import redis
from django.db import connection
from django.urls import reverse

from classes.models import School
from messaging.models import Message, MessageTranslation, Topic
from messaging.services.messages import message_reply, message_start
from messaging.services.office import office_message_send
from messaging.tasks import sweep_notices
from messaging.translations import message_translate
from tests.clock import at
from tests.conftest import client_for
from tests.factories import OfficeFactory
from tests.messaging.test_reliability import (
    TaskLedger,
    broker_at,
    embedded_worker,
    post_message,
    redis_answers,
    redis_url,
    wait_until,
)
from tests.requirements import require_or_skip
from tests.translation.test_translation import Reply, StandIn, lt_languages, use_server

pytestmark = pytest.mark.django_db

TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture
def apertium(settings) -> None:
    require_or_skip(
        shutil.which("apertium") is not None,
        "needs Debian's apertium and apertium-eng-spa (apt-get install apertium apertium-eng-spa)",
    )
    settings.TRANSLATION_BACKEND = "apertium"


@pytest.fixture
def spanish_parent(parent_with_child):
    parent, child = parent_with_child
    parent.preferred_language = "es"
    parent.save()
    return parent, child


@pytest.mark.usefixtures("apertium")
def test_R17_the_sweep_has_a_teachers_message_translated_for_a_spanish_parent(
    school, spanish_parent, teacher
) -> None:
    parent, child = spanish_parent
    with at(TUESDAY_1000):
        message = message_start(
            acting_user=teacher, other=parent, pupil=child, body="The children enjoyed the trip."
        )
        sweep_notices()
    assert "niños" in MessageTranslation.objects.get(message=message, language="es").body
    with at(TUESDAY_1000):
        html = client_for(parent).get(reverse("messaging_thread", args=[message.thread_id]))
    text = html.content.decode()
    # The parent's page is in Spanish: the label and the toggle too.
    assert "niños" in text and "Ver el original" in text and "Translated by a computer" not in text
    assert '<div dir="auto" lang="en-gb"><p>The children enjoyed the trip.</p></div>' in text


@pytest.mark.usefixtures("apertium")
def test_R17_a_message_is_translated_once(school, spanish_parent, teacher) -> None:
    parent, child = spanish_parent
    with at(TUESDAY_1000):
        message = message_start(acting_user=teacher, other=parent, pupil=child, body="Hello.")
    assert message_translate(message.pk) == "es"
    assert message_translate(message.pk) is None
    assert MessageTranslation.objects.filter(message=message).count() == 1


def test_R17_same_language_or_translation_off_shows_the_original_and_is_done(
    school, parent_with_child, teacher
) -> None:
    parent, child = parent_with_child
    with at(TUESDAY_1000):
        message = message_start(acting_user=teacher, other=parent, pupil=child, body="Hello.")
    assert message_translate(message.pk) is None
    assert Message.objects.get(pk=message.pk).translated_at is not None
    assert not MessageTranslation.objects.exists()


# Both ways, through the page and the real worker (R34)


@pytest.fixture
def _school_row(db: None) -> Iterator[None]:
    """A transactional test empties every table when it ends, the school row that the
    migration made included: make it again for the next test."""
    yield
    School.objects.get_or_create(singleton=True, defaults={"name": "School"})


PARENT_ES = "Mi hija está enferma hoy."
TEACHER_EN = "Thank you. I hope she feels better soon."


def thread_html(user, thread_id: int) -> str:
    with at(TUESDAY_1000 + dt.timedelta(minutes=1)):
        return client_for(user).get(reverse("messaging_thread", args=[thread_id])).content.decode()


def translated_part(html: str, language: str) -> str:
    """The first translated text shown in ``language`` (a body followed by the label)."""
    pattern = (
        rf'<div class="msg-body" dir="auto" lang="{language}">(.*?)</div>\n'
        r'<p class="translation-label">'
    )
    match = re.search(pattern, html, re.S)
    assert match, f"no text shown in {language}"
    return match.group(1)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("apertium", "_school_row")
def test_R34_a_spanish_parent_writes_the_teacher_reads_english_the_reply_comes_in_spanish(
    school, spanish_parent, teacher
) -> None:
    require_or_skip(
        connection.vendor == "postgresql",
        "needs PostgreSQL: the worker's thread shares the test database",
    )
    require_or_skip(redis_answers(redis_url()), f"needs Redis at {redis_url()}")
    parent, child = spanish_parent
    prefix = f"test-translate-{secrets.token_hex(4)}:"
    try:
        with (
            broker_at(redis_url(), global_keyprefix=prefix),
            at(TUESDAY_1000),
            embedded_worker(),
            TaskLedger().listening() as ledger,
        ):
            response, _seconds = post_message(client_for(parent), child, teacher, PARENT_ES)
            assert response.status_code == 200
            # The page answered before any translation was made: the worker makes it.
            wait_until(lambda: ledger.published == 1 and ledger.settled())
            thread = Message.objects.get().thread
            reply = client_for(teacher).post(
                reverse("messaging_thread", args=[thread.pk]), {"body": TEACHER_EN}
            )
            assert reply.status_code in (200, 302)
            wait_until(lambda: ledger.published == 2 and ledger.settled())
    finally:
        keys = list(redis.Redis.from_url(redis_url()).scan_iter(match=f"{prefix}*"))
        if keys:
            redis.Redis.from_url(redis_url()).delete(*keys)
    # The teacher reads English, marked in English, with the Spanish original behind a toggle.
    teachers = thread_html(teacher, thread.pk)
    assert "daughter" in translated_part(teachers, "en-gb")
    assert "Translated by a computer from Spanish" in teachers
    assert (
        '<details class="msg-original"><summary>Show the original</summary>'
        f'<div dir="auto" lang="es"><p>{PARENT_ES}</p></div></details>'
    ) in teachers
    # The parent reads the reply in Spanish, marked in Spanish, the English one tap away.
    parents = thread_html(parent, thread.pk)
    assert "Gracias" in translated_part(parents, "es")
    assert "Traducido por computadora del inglés" in parents
    assert "Translated by a computer" not in parents
    assert f'<div dir="auto" lang="en-gb"><p>{TEACHER_EN}</p></div>' in parents
    # Each author sees their own words as written, unmarked.
    assert f'<div class="msg-body" dir="auto" lang="es"><p>{PARENT_ES}</p></div>' in parents
    assert f'<div class="msg-body" dir="auto" lang="en-gb"><p>{TEACHER_EN}</p></div>' in teachers


# Polish, through a LibreTranslate stand-in on 127.0.0.1

PHRASES = {
    ("pl", "en"): {
        "Czy w piątek jest WF?": "Is there PE on Friday?",
        "Maja jest dziś chora.": "Maja is ill today.",
    },
    ("en", "pl"): {"Yes, bring trainers.": "Tak, proszę przynieść buty sportowe."},
}


@pytest.fixture
def polish_server(settings) -> Iterator[StandIn]:
    server = StandIn({"/languages": lt_languages, "/translate": phrase_book})
    use_server(settings, "libretranslate", server.url)
    yield server
    server.stop()


def phrase_book(request) -> Reply:
    params = request.params
    text = PHRASES.get((params["source"], params["target"]), {}).get(params["q"])
    return Reply({"translatedText": text or f"({params['target']}) {params['q']}"})


def test_R34_a_polish_parents_message_is_queued_on_commit_and_read_in_english(
    school, parent_with_child, teacher, polish_server, django_capture_on_commit_callbacks
) -> None:
    server = polish_server
    parent, child = parent_with_child
    parent.preferred_language = "pl"
    parent.save()
    with at(TUESDAY_1000), django_capture_on_commit_callbacks() as queued:
        response, _seconds = post_message(
            client_for(parent), child, teacher, "Czy w piątek jest WF?"
        )
    assert response.status_code == 200
    message = Message.objects.get()
    assert message.language == "pl"  # the parent's language is the message's
    # Nothing was translated in the request: the task waits for the commit.
    assert server.requests_to("/translate") == [] and not MessageTranslation.objects.exists()
    assert len(queued) == 1
    queued[0]()  # the commit: the task runs (eagerly here)
    assert MessageTranslation.objects.get(message=message).body == "Is there PE on Friday?"
    teachers = thread_html(teacher, message.thread_id)
    assert "Is there PE on Friday?" in translated_part(teachers, "en-gb")
    assert "Translated by a computer from Polish" in teachers
    with at(TUESDAY_1000), django_capture_on_commit_callbacks(execute=True):
        message_reply(acting_user=teacher, thread=message.thread, body="Yes, bring trainers.")
    parents = thread_html(parent, message.thread_id)
    assert "buty sportowe" in translated_part(parents, "pl")


def test_R34_nothing_is_queued_when_both_sides_read_the_same_language(
    school, parent_with_child, teacher, django_capture_on_commit_callbacks
) -> None:
    parent, child = parent_with_child
    with at(TUESDAY_1000), django_capture_on_commit_callbacks() as queued:
        message_start(acting_user=parent, other=teacher, pupil=child, body="Is PE on Friday?")
    assert queued == []


@pytest.mark.usefixtures("apertium")
def test_R34_a_message_handed_out_twice_is_translated_once(
    school, spanish_parent, teacher
) -> None:
    parent, child = spanish_parent
    with at(TUESDAY_1000):
        message = message_start(acting_user=parent, other=teacher, pupil=child, body=PARENT_ES)
    Message.objects.filter(pk=message.pk).update(translated_at=TUESDAY_1000)
    assert message_translate(message.pk) is None  # claimed by the other run already
    assert not MessageTranslation.objects.exists()


def test_R34_a_polish_parents_message_to_the_office_is_read_in_the_schools_language(
    school, parent_with_child, polish_server, django_capture_on_commit_callbacks
) -> None:
    parent, child = parent_with_child
    parent.preferred_language = "pl"
    parent.save()
    with at(TUESDAY_1000), django_capture_on_commit_callbacks(execute=True):
        message = office_message_send(
            acting_user=parent, pupil=child, topic=Topic.SICKNESS, body="Maja jest dziś chora."
        )
    translation_ = MessageTranslation.objects.get(message=message)
    assert (translation_.language, translation_.body) == ("en-gb", "Maja is ill today.")
    with at(TUESDAY_1000 + dt.timedelta(minutes=1)):
        response = client_for(OfficeFactory()).get(
            reverse("messaging_office_thread", args=[message.thread_id])
        )
    html = response.content.decode()
    assert "Maja is ill today." in translated_part(html, "en-gb")
    assert "Translated by a computer from Polish" in html
