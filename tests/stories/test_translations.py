"""Posts in the reader's language (R17): translated by the worker when published (never in a
request), kept per language, re-driven by the sweep when the task was never run, and nothing
at all when translation is off."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.languages import machine_translated_label
from stories.models import Post, PostTranslation
from stories.services.posts import post_update
from stories.services.translations import post_translate, reader_languages
from stories.tasks import publish_due
from stories.templatetags.stories import NOT_TRANSLATED, SHOW_ORIGINAL
from tests.conftest import client_for
from tests.requirements import require_or_skip

from .conftest import class_post

pytestmark = pytest.mark.django_db

TRIP = "The children enjoyed the school trip."


@pytest.fixture
def apertium(settings) -> None:
    require_or_skip(
        shutil.which("apertium") is not None,
        "needs Debian's apertium and apertium-eng-spa (apt-get install apertium apertium-eng-spa)",
    )
    settings.TRANSLATION_BACKEND = "apertium"


def test_R17_reader_languages_are_the_others() -> None:
    assert "es" in reader_languages("en-gb") and "en-gb" not in reader_languages("en")


@pytest.mark.usefixtures("apertium")
def test_R17_publishing_translates_into_spanish_in_the_worker(
    teacher, school_class, parent_with_child, django_capture_on_commit_callbacks
) -> None:
    parent, _child = parent_with_child
    parent.preferred_language = "es"
    parent.save()
    with django_capture_on_commit_callbacks(execute=True):
        post = class_post(teacher, school_class, body=TRIP)
    spanish = PostTranslation.objects.get(post=post, language="es").body
    assert "niños" in spanish
    post.refresh_from_db()
    assert post.translated_at is not None
    html = client_for(parent).get(reverse("stories_feed")).content.decode()
    with translation.override("es"):  # the parent reads the page in Spanish
        show, label = str(SHOW_ORIGINAL), machine_translated_label("en-gb")
    assert "niños" in html and f"<summary>{show}</summary>" in html and label in html


@pytest.mark.usefixtures("apertium")
def test_R17_an_edit_of_the_text_is_translated_again(
    teacher, school_class, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post = class_post(teacher, school_class, body=TRIP)
    with django_capture_on_commit_callbacks(execute=True):
        post_update(
            acting_user=teacher,
            post=post,
            body="The children are happy.",
            tagged_ids=[],
            no_child_appears=False,
        )
    assert "niños" in PostTranslation.objects.get(post=post, language="es").body
    assert "excursión" not in PostTranslation.objects.get(post=post, language="es").body


@pytest.mark.usefixtures("apertium")
def test_R17_translating_again_does_nothing_twice(teacher, school_class) -> None:
    post = class_post(teacher, school_class, body=TRIP)
    assert post_translate(post.pk) == ["es"]
    assert post_translate(post.pk) == []
    assert PostTranslation.objects.filter(post=post).count() == 1


def test_R17_with_translation_off_the_post_is_done_and_shows_the_original(
    teacher, school_class, parent_with_child, django_capture_on_commit_callbacks
) -> None:
    parent, _child = parent_with_child
    parent.preferred_language = "es"
    parent.save()
    with django_capture_on_commit_callbacks(execute=True):
        post = class_post(teacher, school_class, body=TRIP)
    post.refresh_from_db()
    assert post.translated_at is not None and not post.translations.exists()
    html = client_for(parent).get(reverse("stories_feed")).content.decode()
    with translation.override("es"):
        notice = str(NOT_TRANSLATED)
    assert TRIP in html and notice in html


def test_R17_a_translation_never_enqueued_is_re_driven_by_the_sweep(
    teacher, school_class, django_capture_on_commit_callbacks
) -> None:
    post = class_post(teacher, school_class, body=TRIP)  # its task never ran (no commit)
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - dt.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        publish_due()
    post.refresh_from_db()
    assert post.translated_at is not None


def test_R9_a_photo_never_enqueued_is_re_driven_by_the_sweep(
    teacher, school_class, django_capture_on_commit_callbacks
) -> None:
    from .conftest import photo

    post = class_post(teacher, school_class, uploads=[photo()], no_child_appears=True)
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        publish_due()
    assert post.attachments.get().is_ready
