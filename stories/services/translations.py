"""Translating a post's text for its readers (R17, R34), in the worker, never in a request."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import User
from translation import covers, translate

from ..models import Post, PostTranslation
from ..permissions import posts_visible_to

log = logging.getLogger(__name__)

# How far back a backfill reaches when a reader chooses a language: the posts of the last ten
# weeks (more than half a term) and, of those, the newest 200 still untranslated (ten pages of
# the feed, more than a parent scrolls back). A school's LibreTranslate on a CPU takes about a
# second a post at worst, so a backfill ends within minutes and the first page, done first,
# within seconds; older posts keep their original with the quiet notice.
BACKFILL_WITHIN = dt.timedelta(weeks=10)
BACKFILL_LIMIT = 200
# An engine that fails this many posts in a row is failing them all (down, or answering
# garbage): the backfill stops rather than ask it two hundred times.
BACKFILL_GIVE_UP_AFTER = 3


def reader_languages(source: str) -> list[str]:
    """The portal's languages other than ``source`` (by base language: en-gb is English)."""
    base = source.split("-")[0]
    return [code for code, _name in settings.LANGUAGES if code.split("-")[0] != base]


def post_translate(post_id: int) -> list[str]:
    """Translate a published post into every portal language the configured service covers,
    and keep each translation. Languages already done are skipped, so running it again does
    no work twice. Returns the languages added."""
    post = Post.objects.filter(pk=post_id, published_at__isnull=False).first()
    if post is None:
        return []
    done = set(post.translations.values_list("language", flat=True))
    added: list[str] = []
    for language in reader_languages(post.language) if post.body else []:
        if language in done or not covers(post.language, language):
            continue
        text = translate(post.body, source=post.language, target=language)
        if text:
            PostTranslation.objects.get_or_create(
                post=post, language=language, defaults={"body": text}
            )
            added.append(language)
    Post.objects.filter(pk=post.pk).update(translated_at=timezone.now())
    return added


def _base(code: str) -> str:
    return (code or "").replace("_", "-").split("-")[0].lower()


def posts_to_backfill(user: User, *, now: dt.datetime | None = None) -> list[Post]:
    """The posts ``user`` can still see that lack a translation into their language, newest
    first: published in the last ``BACKFILL_WITHIN``, with a text in another language, at most
    ``BACKFILL_LIMIT``. One query."""
    language = user.preferred_language or ""
    base = _base(language)
    if not base:
        return []
    now = now or timezone.now()
    done = PostTranslation.objects.filter(post=OuterRef("pk"), language=language)
    posts = (
        posts_visible_to(user)
        .filter(published_at__isnull=False, published_at__gt=now - BACKFILL_WITHIN)
        .exclude(body="")
        .exclude(Q(language__iexact=base) | Q(language__istartswith=f"{base}-"))
        .exclude(Exists(done))
        .only("pk", "body", "language")
        .order_by("-published_at", "-pk")
    )
    return list(posts[:BACKFILL_LIMIT])


def posts_backfill(user_id: int) -> int:
    """Translate into the reader's language the posts they can still see that have no
    translation in it (``posts_to_backfill``), newest first, so the first page of their feed
    is done first. Posts already translated are skipped, so running it again (a task retried,
    two changes of language) does no work twice; a post the engine fails keeps its original.
    Returns the number of translations added."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    language = user.preferred_language
    added = failures = 0
    for post in posts_to_backfill(user):
        if not covers(post.language, language):
            continue
        text = translate(post.body, source=post.language, target=language)
        if not text:
            failures += 1
            if failures >= BACKFILL_GIVE_UP_AFTER:
                log.warning(
                    "Backfill into %s for user %s stopped: the engine failed %s posts in a row.",
                    language,
                    user.pk,
                    failures,
                )
                break
            continue
        failures = 0
        _row, created = PostTranslation.objects.get_or_create(
            post=post, language=language, defaults={"body": text}
        )
        added += created
    return added
