"""A long transcode never holds up messages (R19, R36; issue 19, "Performance").

The two workers of ``docker-compose.yml`` run for real, with the command lines the compose file
gives them: ``worker`` on the ordinary queue and ``media-worker`` on the recordings' queue, one
transcode at a time. A parent writes on Saturday (quiet time); on Monday just before 08:00 a
teacher posts a 30-second 720p video, and the media worker starts transcoding it. At 08:00 the
sweep that beat sends every minute is sent: the teacher's notification of the parent's message
is recorded within seconds, while the transcode is still running, and the video is ready
afterwards.

The workers share this test's PostgreSQL database, the media folder and a filesystem broker in
a temporary folder; their clocks start at 08:00 on that Monday and run on
(``tests/notifications/clocked_worker.py``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from classes.models import School
from messaging.models import Message
from messaging.services.messages import message_start
from messaging.tasks import sweep_notices
from notifications.models import Kind, Notification
from stories.models import Attachment, AttachmentStatus
from tests.clock import LONDON, at
from tests.media import corpus
from tests.notifications.test_worker_killed import (
    _database_url,
    publishing_to,
    stop,
    wait_until,
)
from tests.requirements import require_or_skip
from tests.stories.conftest import class_post
from tests.test_compose import service

ROOT = Path(__file__).resolve().parents[2]
SATURDAY = dt.datetime(2026, 11, 28, 10, 0, tzinfo=LONDON)
MONDAY_0800 = dt.datetime(2026, 11, 30, 8, 0, tzinfo=LONDON)
# What "on time" allows: beat sends the sweep every minute, and it must not wait on a video.
SWEEP_SECONDS = 15


def compose_command(name: str) -> list[str]:
    """The command line ``docker-compose.yml`` gives one of its services."""
    match = re.search(r"^    command:\n\s+(\[.*?\])\n", service(name), re.MULTILINE | re.DOTALL)
    assert match, f"no command for {name}"
    command: list[str] = json.loads(match.group(1))
    return command


def start_compose_worker(name: str, folder: Path) -> subprocess.Popen[bytes]:
    """The compose service's worker, on this test's database, media folder and broker."""
    command = compose_command(name)
    assert command[:3] == ["celery", "-A", "dojo_portal"]
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="dojo_portal.settings.test",
        DATABASE_URL=_database_url(),
        DOJO_VAR_DIR=str(folder),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        CELERY_BROKER_URL="filesystem://",
        CELERY_TASK_ALWAYS_EAGER="false",
        PYTHONPATH=str(ROOT),
    )
    env.pop("REDIS_URL", None)  # the filesystem broker, and the database's cache
    clocked = [sys.executable, "-m", "tests.notifications.clocked_worker"]
    quiet = ["--loglevel", "ERROR", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    return subprocess.Popen(
        [*clocked, MONDAY_0800.isoformat(), "--quiet", *command[1:], *quiet], cwd=ROOT, env=env
    )


@pytest.fixture
def long_video(tmp_path: Path) -> SimpleUploadedFile:
    """30 seconds of 720p: several seconds of one core's time, at the least, to transcode."""
    path = corpus._ffmpeg(
        "assembly-720p.mp4",
        *("-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25"),
        *("-f", "lavfi", "-i", "sine=frequency=440"),
        *("-t", "30", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "30", "-c:a", "aac"),
    )
    return SimpleUploadedFile("assembly.mp4", path.read_bytes(), content_type="video/mp4")


@pytest.fixture(autouse=True)
def _school_row(db: None) -> None:
    """A transactional test empties every table when it ends: the school row is made again."""
    School.objects.get_or_create(singleton=True, defaults={"name": "School"})


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_R19_R36_a_quiet_time_message_is_notified_at_0800_while_a_long_transcode_runs(
    school, teacher, school_class, parent_with_child, long_video, tmp_path, settings
) -> None:
    require_or_skip(
        connection.vendor == "postgresql",
        "needs PostgreSQL: the worker processes share the test database",
    )
    settings.MEDIA_ROOT = str(tmp_path / "media")
    parent, pupil = parent_with_child
    with at(SATURDAY):
        message = message_start(acting_user=parent, other=teacher, pupil=pupil, body="Trip?")
    assert Message.objects.get(pk=message.pk).deliver_at == MONDAY_0800  # quiet time
    workers: list[subprocess.Popen[bytes]] = []
    with publishing_to(tmp_path):
        try:
            workers = [start_compose_worker(name, tmp_path) for name in ("worker", "media-worker")]
            with at(MONDAY_0800 - dt.timedelta(minutes=1)):
                post = class_post(
                    teacher, school_class, uploads=[long_video], no_child_appears=True
                )
            video = Attachment.objects.filter(post=post)
            wait_until(lambda: video.filter(claimed_at__isnull=False).exists(), seconds=120)

            sent = time.monotonic()
            sweep_notices.apply_async()  # what beat sends at 08:00
            told = Notification.objects.filter(recipient=teacher, kind=Kind.NEW_MESSAGE)
            waited = wait_until(told.exists, seconds=60)
            still_transcoding = video.get().status == AttachmentStatus.PROCESSING
            wait_until(lambda: video.get().status != AttachmentStatus.PROCESSING, seconds=600)
            transcoded = time.monotonic() - sent
        finally:
            for worker in workers:
                stop(worker)
    assert waited < SWEEP_SECONDS, f"the sweep waited {waited:.1f} s"
    assert still_transcoding, "the video was done before the sweep: the test proves nothing"
    assert MONDAY_0800 <= told.get().created_at < MONDAY_0800 + dt.timedelta(minutes=1)
    assert video.get().status == AttachmentStatus.READY
    print(
        f"\nnotified {waited:.1f} s after the sweep was sent, while the video's transcode ran "
        f"(done {transcoded:.1f} s after)"
    )
