"""Posts already published are translated when a reader chooses a language (R34): the worker
translates, into the reader's language, the posts they can still see that lack it; bounded,
newest first, idempotent. A translation is marked as made by a computer, in the reader's
language, with the original one tap away; with no engine, or one that is down or answers
garbage, pages show the original with a notice and never call the engine (R17)."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

import pytest
import redis
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import translation

from accounts.languages import machine_translated_label
from accounts.models import User
from accounts.services.invites import invite_redeem, parent_join
from classes.models import SchoolClass
from stories.models import Audience, Post, PostTranslation
from stories.services import translations as service
from stories.services.posts import post_create
from stories.services.translations import posts_backfill, posts_to_backfill
from stories.tasks import backfill_translations
from stories.templatetags.stories import NOT_TRANSLATED, SHOW_ORIGINAL
from tests.clock import TODAY, at
from tests.conftest import client_for
from tests.factories import (
    InviteCodeFactory,
    LeaderFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    assign_teacher,
)
from tests.messaging.test_reliability import (
    broker_at,
    embedded_worker,
    redis_answers,
    redis_url,
    wait_until,
)
from tests.requirements import require_or_skip
from tests.translation.standin import Reply, Route, StandIn, libretranslate_routes

from .conftest import class_post

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def polish(text: str, source: str, target: str) -> str:
    return f"[{source}>{target}] {text}"


def use_engine(settings: Any, url: str) -> None:
    settings.TRANSLATION_BACKEND = "libretranslate"
    settings.TRANSLATION_URL = url
    settings.TRANSLATION_API_KEY = ""


@pytest.fixture
def engine(settings: Any, stand_in: Callable[[dict[str, Route]], StandIn]) -> StandIn:
    server = stand_in(libretranslate_routes(polish))
    use_engine(settings, server.url)
    return server


@pytest.fixture
def polish_parent(parent_with_child) -> User:
    parent, _child = parent_with_child
    parent.preferred_language = "pl"
    parent.save()
    return parent


def posted(author: User, school_class: SchoolClass, body: str, days_ago: float) -> Post:
    with at(TODAY - dt.timedelta(days=days_ago)):
        return class_post(author, school_class, body=body)


def asked(server: StandIn) -> list[str]:
    return [request.params["q"] for request in server.requests_to("/translate")]


def test_R34_backfill_translates_the_posts_the_reader_sees_that_lack_their_language(
    engine: StandIn, teacher, school_class, polish_parent
) -> None:
    old = posted(teacher, school_class, "Trip on Friday.", days_ago=20)
    new = posted(teacher, school_class, "Bring a coat.", days_ago=1)
    done = posted(teacher, school_class, "Already done.", days_ago=2)
    PostTranslation.objects.create(post=done, language="pl", body="Już zrobione.")
    in_polish = posted(teacher, school_class, "Wycieczka w piątek.", days_ago=3)
    Post.objects.filter(pk=in_polish.pk).update(language="pl")
    too_old = posted(teacher, school_class, "Last year.", days_ago=71)
    other_class = SchoolClassFactory(name="Ash")
    assign_teacher(teacher, other_class)
    not_theirs = posted(teacher, other_class, "Another class.", days_ago=1)
    hidden = posted(teacher, school_class, "Hidden.", days_ago=1)
    Post.objects.filter(pk=hidden.pk).update(hidden_at=TODAY)

    assert posts_backfill(polish_parent.pk) == 2

    assert asked(engine) == ["Bring a coat.", "Trip on Friday."]  # newest first
    rows = dict(PostTranslation.objects.filter(language="pl").values_list("post_id", "body"))
    assert rows == {
        new.pk: "[en>pl] Bring a coat.",
        old.pk: "[en>pl] Trip on Friday.",
        done.pk: "Już zrobione.",
    }
    for untouched in (in_polish, too_old, not_theirs, hidden):
        assert not untouched.translations.exists()
    assert posts_backfill(polish_parent.pk) == 0  # idempotent: nothing is asked twice
    assert len(asked(engine)) == 2


def test_R34_backfill_is_bounded_to_the_newest_posts(
    engine: StandIn, teacher, school_class, polish_parent, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "BACKFILL_LIMIT", 3)
    for day in range(5, 0, -1):
        posted(teacher, school_class, f"Day {day}.", days_ago=day)

    assert [p.body for p in posts_to_backfill(polish_parent)] == ["Day 1.", "Day 2.", "Day 3."]
    assert posts_backfill(polish_parent.pk) == 3
    assert posts_backfill(polish_parent.pk) == 2  # a second run takes the next ones


def test_R34_backfill_for_an_english_reader_or_a_missing_user_does_nothing(
    engine: StandIn, teacher, school_class, parent_with_child
) -> None:
    parent, _child = parent_with_child  # reads English, the posts' language
    posted(teacher, school_class, "Trip on Friday.", days_ago=1)
    assert posts_backfill(parent.pk) == 0
    assert posts_backfill(999_999) == 0
    assert not engine.requests_to("/translate")


@pytest.mark.parametrize(
    "reply",
    [
        Reply(raw=b"\x00garbage"),
        Reply(raw=b"<html><body>Bad gateway</body></html>", content_type="text/html"),
        Reply(raw=b'{"translatedText": "' + b"a" * 10_000_000 + b'"}'),
    ],
    ids=["garbage", "html", "10-mb"],
)
def test_R17_an_engine_that_answers_garbage_leaves_the_originals_and_is_logged_once(
    settings: Any,
    stand_in: Callable[[dict[str, Route]], StandIn],
    caplog: pytest.LogCaptureFixture,
    teacher,
    school_class,
    polish_parent,
    reply: Reply,
) -> None:
    routes = {**libretranslate_routes(polish), "/translate": lambda _request: reply}
    server = stand_in(routes)
    use_engine(settings, server.url)
    for day in range(10, 0, -1):
        posted(teacher, school_class, f"Day {day}.", days_ago=day)

    with caplog.at_level(logging.WARNING):
        assert posts_backfill(polish_parent.pk) == 0

    assert not PostTranslation.objects.exists()
    assert len(asked(server)) == service.BACKFILL_GIVE_UP_AFTER  # not once per post
    failures = [r for r in caplog.records if "Translation with libretranslate" in r.message]
    assert len(failures) == 1
    assert "Day " not in caplog.text  # the posts' text is never logged
    html = client_for(polish_parent).get(reverse("stories_feed")).content.decode()
    assert "Day 1." in html


def test_R17_backfill_with_the_engine_down_ends_at_once(
    settings: Any, teacher, school_class, polish_parent
) -> None:
    from tests.translation.test_translation import free_port

    use_engine(settings, f"http://127.0.0.1:{free_port()}")
    for day in range(30, 0, -1):
        posted(teacher, school_class, f"Day {day}.", days_ago=day)
    started = time.monotonic()
    assert backfill_translations(polish_parent.pk) == 0
    assert time.monotonic() - started < 2
    assert not PostTranslation.objects.exists()


# Through the join and link services

CODE = "ABCDEFGHJKLM"


def join_reading(language: str, pupil):
    """A new parent joins with the pupil's invite code, reading ``language``."""
    return parent_join(
        email=f"parent-{language}@home.example.org",
        password="a long family passphrase 42",
        first_name="Ola",
        last_name="Nowak",
        preferred_language=language,
        code=CODE,
        date_of_birth=pupil.date_of_birth,
        ip="127.0.0.1",
    )


def test_R34_a_parent_who_joins_in_polish_has_the_posts_backfilled(
    engine: StandIn, teacher, school_class, django_capture_on_commit_callbacks
) -> None:
    posted(teacher, school_class, "Trip on Friday.", days_ago=3)
    pupil = PupilFactory(school_class=school_class)
    InviteCodeFactory(pupil=pupil, code=CODE)
    with django_capture_on_commit_callbacks(execute=True):
        result = join_reading("pl", pupil)
    assert result.link is not None
    assert asked(engine) == ["Trip on Friday."]
    assert PostTranslation.objects.get().language == "pl"


def test_R34_a_polish_parent_linked_to_another_child_has_its_posts_backfilled(
    engine: StandIn, teacher, polish_parent, django_capture_on_commit_callbacks
) -> None:
    ash = SchoolClassFactory(name="Ash")
    assign_teacher(teacher, ash)
    posted(teacher, ash, "Ash went to the farm.", days_ago=2)
    pupil = PupilFactory(school_class=ash)
    InviteCodeFactory(pupil=pupil, code=CODE)
    with django_capture_on_commit_callbacks(execute=True):
        invite_redeem(
            parent=polish_parent, code=CODE, date_of_birth=pupil.date_of_birth, ip="127.0.0.1"
        )
    assert asked(engine) == ["Ash went to the farm."]


def test_R34_an_english_parent_who_joins_enqueues_nothing(
    school_class, django_capture_on_commit_callbacks
) -> None:
    pupil = PupilFactory(school_class=school_class)
    InviteCodeFactory(pupil=pupil, code=CODE)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        join_reading("en-gb", pupil)
    assert not [c for c in callbacks if "backfill" in repr(c)]
    assert not any(getattr(c, "args", ()) for c in callbacks)


# What the reader sees


def test_R34_a_translated_post_says_it_was_translated_by_a_computer_in_the_readers_language(
    engine: StandIn, teacher, school_class, polish_parent
) -> None:
    posted(teacher, school_class, "Trip on Friday.", days_ago=1)
    posts_backfill(polish_parent.pk)

    html = client_for(polish_parent).get(reverse("stories_feed")).content.decode()

    with translation.override("pl"):
        label, show = machine_translated_label("en-gb"), str(SHOW_ORIGINAL)
    with translation.override("en-gb"):
        assert (label, show) != (machine_translated_label("en-gb"), str(SHOW_ORIGINAL))
    assert "[en&gt;pl] Trip on Friday." in html
    assert f'<p class="translation-label">{label}</p>' in html
    assert f"<summary>{show}</summary>" in html and "Trip on Friday.</p>" in html


def slowly(route: Route) -> Route:
    return lambda request: Reply(route(request).body, delay=3)


@pytest.mark.parametrize("engine_state", ["off", "down", "up"])
def test_R17_the_feed_never_calls_the_engine_and_shows_the_original_with_a_notice(
    settings: Any,
    stand_in: Callable[[dict[str, Route]], StandIn],
    teacher,
    school_class,
    polish_parent,
    engine_state: str,
) -> None:
    """Whatever the engine does, a page costs the same and never waits on it: translation is
    the worker's job. The notice is in the reader's language."""
    slow = stand_in({path: slowly(route) for path, route in libretranslate_routes(polish).items()})
    if engine_state == "off":
        settings.TRANSLATION_BACKEND = "off"
    elif engine_state == "down":
        use_engine(settings, slow.url)
    else:
        use_engine(settings, stand_in(libretranslate_routes(polish)).url)
    for day in range(5, 0, -1):
        posted(teacher, school_class, f"Day {day}.", days_ago=day)
    client = client_for(polish_parent)

    started = time.monotonic()
    html = client.get(reverse("stories_feed")).content.decode()
    post = Post.objects.latest("published_at")
    detail = client.get(reverse("stories_post", args=[post.pk])).content.decode()
    assert time.monotonic() - started < 2

    with translation.override("pl"):
        notice = str(NOT_TRANSLATED)
    with translation.override("en-gb"):
        assert notice != str(NOT_TRANSLATED)
    assert "Day 1." in html and notice in html and notice in detail
    assert not slow.received
    assert not PostTranslation.objects.exists()


def test_R17_a_school_post_is_backfilled_for_every_reader(
    engine: StandIn, school, polish_parent
) -> None:
    head = LeaderFactory()
    with at(TODAY - DAY):
        post_create(acting_user=head, audience=Audience.SCHOOL, body="Snow day.")
    other = ParentLinkFactory(pupil=PupilFactory()).parent
    other.preferred_language = "es"
    other.save()
    assert posts_backfill(polish_parent.pk) == 1
    assert posts_backfill(other.pk) == 1
    assert sorted(PostTranslation.objects.values_list("language", flat=True)) == ["es", "pl"]


# Through the real worker


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_R34_a_parent_who_joins_in_polish_reads_older_posts_in_polish_through_the_worker(
    school, engine: StandIn, teacher, school_class
) -> None:
    """The join commits; its task goes to the broker and a real worker translates the feed."""
    require_or_skip(
        connection.vendor == "postgresql",
        "needs PostgreSQL: the worker's thread shares the test database",
    )
    require_or_skip(redis_answers(redis_url()), f"needs Redis at {redis_url()}")
    for day in (9, 5, 1):
        posted(teacher, school_class, f"News of day {day}.", days_ago=day)
    PostTranslation.objects.all().delete()  # made by the eager tasks of publishing
    cache.clear()
    pupil = PupilFactory(school_class=school_class)
    InviteCodeFactory(pupil=pupil, code=CODE)
    prefix = f"test-backfill-{secrets.token_hex(4)}:"
    try:
        with broker_at(redis_url(), global_keyprefix=prefix), embedded_worker():
            parent = join_reading("pl", pupil).parent
            translated = PostTranslation.objects.filter(language="pl")
            wait_until(lambda: translated.count() == 3)
    finally:
        keys = list(redis.Redis.from_url(redis_url()).scan_iter(match=f"{prefix}*"))
        if keys:
            redis.Redis.from_url(redis_url()).delete(*keys)
    assert sorted(translated.values_list("body", flat=True)) == [
        f"[en>pl] News of day {day}." for day in (1, 5, 9)
    ]
    html = client_for(parent).get(reverse("stories_feed")).content.decode()
    assert "[en&gt;pl] News of day 1." in html
