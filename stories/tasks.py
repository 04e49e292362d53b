"""Celery tasks of the stories app: thin, idempotent wrappers around services."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from core.queue import enqueue_on_commit
from notifications.tasks import sweep_notifications

from .selectors import photos_waiting, posts_untold, posts_untranslated, recordings_waiting
from .services.media import attachment_process, attachment_transcode
from .services.notices import post_notify
from .services.posts import posts_publish_due
from .services.reminders import reminders_publish_due
from .services.translations import backfills_redrive, post_translate, posts_backfill


@shared_task(acks_late=True)
def process_attachment(attachment_id: int) -> None:
    attachment_process(attachment_id)


@shared_task(acks_late=True, ignore_result=True)
def transcode_attachment(attachment_id: int) -> None:
    """A recording's transcode (R36): routed to the worker's ``media`` queue
    (``CELERY_TASK_ROUTES``), whose concurrency is at most one per core."""
    attachment_transcode(attachment_id)


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
        sweep_notifications.apply_async(retry=False)


@shared_task
def publish_due() -> None:
    """Every minute (beat): scheduled posts and weekly reminders whose time has come, and
    the photos, recordings, translations, notices and readers' backfills that no worker is
    doing (their task was lost)."""
    posts_publish_due()
    reminders_publish_due()
    now = timezone.now()
    for pk in photos_waiting(now):
        enqueue_on_commit("stories.tasks.process_attachment", pk)
    for pk in recordings_waiting(now):
        enqueue_on_commit("stories.tasks.transcode_attachment", pk)
    for pk in posts_untranslated(now):
        enqueue_on_commit("stories.tasks.translate_post", pk)
    for pk in posts_untold(now):
        enqueue_on_commit("stories.tasks.notify_post", pk)
    for pk in backfills_redrive(now):
        enqueue_on_commit("stories.tasks.backfill_translations", pk)
