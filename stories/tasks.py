"""Celery tasks of the stories app: thin, idempotent wrappers around services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from dojo_portal.queue import enqueue_on_commit

from .models import Attachment, AttachmentStatus, Post
from .services.media import attachment_process
from .services.posts import posts_publish_due
from .services.reminders import reminders_publish_due
from .services.translations import post_translate

# A photo still waiting, or a post still untranslated, this long after it was published was
# probably never enqueued (broker down): the sweep enqueues it again (running twice is harmless:
# the second run finds the work done).
STALE = dt.timedelta(minutes=2)
# Translations are re-driven for a day; after that, readers see the original with the notice.
TRANSLATE_WITHIN = dt.timedelta(days=1)


@shared_task(acks_late=True)
def process_attachment(attachment_id: int) -> None:
    attachment_process(attachment_id)


@shared_task(acks_late=True, soft_time_limit=120)
def translate_post(post_id: int) -> None:
    post_translate(post_id)


@shared_task
def publish_due() -> None:
    """Every minute (beat): scheduled posts and weekly reminders whose time has come, and
    photos whose processing was never started."""
    posts_publish_due()
    reminders_publish_due()
    now = timezone.now()
    stale = Attachment.objects.filter(
        status=AttachmentStatus.PROCESSING, post__created_at__lt=now - STALE
    ).values_list("pk", flat=True)[:100]
    for pk in stale:
        enqueue_on_commit(process_attachment, pk)
    untranslated = Post.objects.filter(
        translated_at__isnull=True,
        published_at__lt=now - STALE,
        published_at__gt=now - TRANSLATE_WITHIN,
    ).values_list("pk", flat=True)[:100]
    for pk in untranslated:
        enqueue_on_commit(translate_post, pk)
