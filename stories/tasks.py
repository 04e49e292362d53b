"""Celery tasks of the stories app: thin, idempotent wrappers around services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from core.queue import enqueue_on_commit

from .models import Attachment, AttachmentStatus, Post
from .services.media import attachment_process
from .services.notices import post_notify
from .services.posts import posts_publish_due
from .services.reminders import reminders_publish_due
from .services.translations import post_translate, posts_backfill

# A post still untranslated this long after it was published was probably never enqueued
# (broker down): the sweep enqueues it again (running twice is harmless: the second run finds
# the work done).
STALE = dt.timedelta(minutes=2)
# A photo waiting to be processed, or a published post whose families are not told yet, is
# enqueued again by the first sweep after this, unless a worker is at it now: both hold a row
# lock while they work, which dies with the worker, so what a killed worker was doing is taken
# over by the next minute's sweep. The grace leaves a task just enqueued its chance to start.
WAITING = dt.timedelta(seconds=20)
SWEEP_LIMIT = 100
# Translations are re-driven for a day; after that, readers see the original with the notice.
TRANSLATE_WITHIN = dt.timedelta(days=1)


@shared_task(acks_late=True)
def process_attachment(attachment_id: int) -> None:
    attachment_process(attachment_id)


@shared_task(acks_late=True, soft_time_limit=120)
def translate_post(post_id: int) -> None:
    post_translate(post_id)


@shared_task(acks_late=True, soft_time_limit=600, ignore_result=True)
def backfill_translations(user_id: int) -> int:
    """A reader chose a language (or joined, or was linked to a child): translate into it the
    posts they can still see that lack it. Enqueued by that dotted name."""
    return posts_backfill(user_id)


@shared_task(acks_late=True, ignore_result=True)
def notify_post(post_id: int) -> None:
    """Tell the post's families (once), then have what is due sent without waiting for the
    next minute: an urgent announcement goes out at once (R31)."""
    if post_notify(post_id):
        from notifications.tasks import sweep_notifications

        sweep_notifications.apply_async(retry=False)


@shared_task
def publish_due() -> None:
    """Every minute (beat): scheduled posts and weekly reminders whose time has come, and
    the photos, translations and notices that no worker is doing (their task was lost)."""
    posts_publish_due()
    reminders_publish_due()
    now = timezone.now()
    for pk in _photos_waiting(now):
        enqueue_on_commit("stories.tasks.process_attachment", pk)
    untranslated = Post.objects.filter(
        translated_at__isnull=True,
        published_at__lt=now - STALE,
        published_at__gt=now - TRANSLATE_WITHIN,
    ).values_list("pk", flat=True)[:SWEEP_LIMIT]
    for pk in untranslated:
        enqueue_on_commit("stories.tasks.translate_post", pk)
    untold = Post.objects.filter(
        notified_at__isnull=True,
        hidden_at__isnull=True,
        published_at__lt=now - WAITING,
        published_at__gt=now - TRANSLATE_WITHIN,
    ).values_list("pk", flat=True)[:SWEEP_LIMIT]
    for pk in untold:
        enqueue_on_commit("stories.tasks.notify_post", pk)


def _photos_waiting(now: dt.datetime) -> list[int]:
    """Photos still to process that no worker is processing now (``attachment_process`` locks
    the row while it works; on SQLite, with one worker, every waiting photo)."""
    with transaction.atomic():
        waiting = Attachment.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            status=AttachmentStatus.PROCESSING, post__created_at__lt=now - WAITING
        )
        return list(waiting.order_by("pk").values_list("pk", flat=True)[:SWEEP_LIMIT])
