"""Celery tasks of the stories app: thin, idempotent wrappers around services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from dojo_portal.queue import enqueue_on_commit

from .models import Attachment, AttachmentStatus
from .services.media import attachment_process
from .services.posts import posts_publish_due
from .services.reminders import reminders_publish_due
from .services.translations import post_translate

# A photo still waiting this long was probably never enqueued (broker down): the sweep
# enqueues it again (processing twice is harmless: the second run finds it done).
STALE_PROCESSING = dt.timedelta(minutes=2)


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
    stale = Attachment.objects.filter(
        status=AttachmentStatus.PROCESSING,
        post__created_at__lt=timezone.now() - STALE_PROCESSING,
    ).values_list("pk", flat=True)[:100]
    for pk in stale:
        enqueue_on_commit(process_attachment, pk)
