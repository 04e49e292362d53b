"""Translating a post's text for its readers (R17), in the worker, never in a request."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from translation import covers, translate

from ..models import Post, PostTranslation


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
