"""Translating a post's text for its readers (R17, R34), in the worker, never in a request."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import User
from core.claims import CLAIM_TTL, ClaimKeeper
from translation import covers, engine_down, translate

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
# A backfill the engine failed is asked for again this much later (then by beat's sweep), so
# an engine that was down translates the older posts when it is back, without being asked
# every minute meanwhile.
BACKFILL_RETRY_AFTER = dt.timedelta(minutes=30)
# How many stale backfills one sweep hands out.
SWEEP_LIMIT = 100


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


class BackfillClaim:
    """The worker's hold on one reader's asked-for backfill (``User.translations_due_at``): the
    stamp it wrote, renewed by a :class:`~core.claims.ClaimKeeper` while it translates. Lost
    when someone else writes the stamp (the reader changed language again, or the sweep handed
    the backfill to another worker after the stamp went stale)."""

    def __init__(self, user_id: int, stamp: dt.datetime) -> None:
        self.rows = User.objects.filter(pk=user_id)
        self.stamps = [stamp]
        self.lost = False

    @classmethod
    def take(cls, user: User) -> BackfillClaim | None:
        """Claim the backfill asked for ``user``, if one is (None: nothing was asked, or
        another worker took it between the read and now)."""
        if user.translations_due_at is None:
            return None
        stamp = timezone.now()
        asked = User.objects.filter(pk=user.pk, translations_due_at=user.translations_due_at)
        return cls(user.pk, stamp) if asked.update(translations_due_at=stamp) else None

    def renew(self, now: dt.datetime) -> None:
        try:
            moved = self.rows.filter(translations_due_at__in=self.stamps).update(
                translations_due_at=now
            )
        except DatabaseError:
            self.stamps = [*self.stamps, now]  # it may have been written: accept either next
            raise
        self.stamps, self.lost = [now], self.lost or not moved

    def release(self, *, retry_at: dt.datetime | None) -> None:
        """Done: nothing is due any more, or (``retry_at``) due again then. A claim that was
        lost is left to whoever holds it."""
        self.rows.filter(translations_due_at__in=self.stamps).update(translations_due_at=retry_at)


def backfills_redrive(now: dt.datetime) -> list[int]:
    """The readers whose asked-for backfill nobody is doing (its task was never enqueued, the
    broker being down, or its worker died: a stamp not renewed for ``CLAIM_TTL``), restamped
    so the next sweeps leave them to the worker for as long; their ids, for beat to enqueue."""
    stale = User.objects.filter(is_active=True, translations_due_at__lt=now - CLAIM_TTL)
    ids = list(stale.order_by("translations_due_at").values_list("pk", flat=True)[:SWEEP_LIMIT])
    stale.filter(pk__in=ids).update(translations_due_at=now)
    return ids


def posts_backfill(user_id: int) -> int:
    """Translate into the reader's language the posts they can still see that have no
    translation in it (``posts_to_backfill``), newest first, so the first page of their feed
    is done first. Posts already translated are skipped, so running it again (a task retried,
    two changes of language) does no work twice; a post the engine fails keeps its original.
    A backfill that was asked for (``User.translations_due_at``) is claimed while it runs and
    cleared when it ends; one that the engine failed is due again after
    ``BACKFILL_RETRY_AFTER``. Returns the number of translations added."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    claim = BackfillClaim.take(user)
    if claim is None:
        return _backfill(user, claim)
    with ClaimKeeper(claim.renew):
        added = _backfill(user, claim)
    return added


def _backfill(user: User, claim: BackfillClaim | None) -> int:
    language = user.preferred_language
    added = failures = 0
    for post in posts_to_backfill(user):
        if claim is not None and claim.lost:
            return added  # the reader asked again: the new backfill is someone else's
        if not covers(post.language, language):
            if engine_down():  # not a pair it lacks: nothing answers
                return _given_up(user, claim, added, "the engine does not answer")
            continue
        text = translate(post.body, source=post.language, target=language)
        if not text:
            failures += 1
            if failures >= BACKFILL_GIVE_UP_AFTER:
                reason = f"the engine failed {failures} posts in a row"
                return _given_up(user, claim, added, reason)
            continue
        failures = 0
        _row, created = PostTranslation.objects.get_or_create(
            post=post, language=language, defaults={"body": text}
        )
        added += created
    if claim is not None:
        claim.release(retry_at=None)
    return added


def _given_up(user: User, claim: BackfillClaim | None, added: int, reason: str) -> int:
    """Stop asking a failing engine; what was asked for is due again after a while."""
    log.warning(
        "Backfill into %s for user %s stopped: %s.", user.preferred_language, user.pk, reason
    )
    if claim is not None:
        claim.release(retry_at=timezone.now() + BACKFILL_RETRY_AFTER)
    return added
