"""Recordings are transcoded on a queue of their own (R36), so a worker running transcodes one
per core never keeps messages and notifications waiting; photos stay on the ordinary queue."""

from __future__ import annotations

import pytest

from dojo_portal.celery import app
from media.uploads import MediaKind
from stories.services.media import task_for


def queue_of(task_name: str) -> str:
    route = app.amqp.router.route({}, task_name)
    return str(route["queue"].name)


@pytest.mark.parametrize(
    ("kind", "task", "queue"),
    [
        (MediaKind.VIDEO, "stories.tasks.transcode_attachment", "media"),
        (MediaKind.AUDIO, "stories.tasks.transcode_attachment", "media"),
        (MediaKind.PHOTO, "stories.tasks.process_attachment", "celery"),
    ],
)
def test_R36_recordings_go_to_the_media_queue_and_photos_do_not(
    kind: MediaKind, task: str, queue: str
) -> None:
    assert task_for(kind) == task
    assert queue_of(task) == queue


@pytest.mark.parametrize(
    "task", ["notifications.tasks.sweep_notifications", "messaging.tasks.sweep_notices"]
)
def test_R36_messages_and_notifications_stay_on_the_ordinary_queue(task: str) -> None:
    assert queue_of(task) == "celery"
