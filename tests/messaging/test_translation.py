"""R17 for messages: the worker translates a message into its reader's language (handed out by
the sweep, never by a web request); the reader sees it with the original one tap away."""

from __future__ import annotations

import datetime as dt
import shutil
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from messaging.models import Message, MessageTranslation
from messaging.services.messages import message_start
from messaging.tasks import sweep_notices
from messaging.translations import message_translate
from tests.clock import at
from tests.conftest import client_for
from tests.requirements import require_or_skip

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
    with translation.override("es"):  # the parent reads the page in Spanish
        show, label = gettext("Show the original"), gettext("Translated by a computer")
    assert show != "Show the original" and label != "Translated by a computer"
    assert "niños" in text and f"<summary>{show}</summary>" in text and label in text
    assert "The children enjoyed the trip." in text


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
