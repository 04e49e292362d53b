"""``/metrics`` for Prometheus (issue 20, item 2): answered only to the bearer of the token, on
the web container's own name too; requests counted and timed by URL name, never by path or
person; the queues' lengths, beat's last run, the worker's heartbeat, the last backup and the
failed tasks read at each scrape, whichever process answers; gunicorn's processes added up."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery import shared_task
from django.test import Client
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

from core import metrics
from core.heartbeat import backup_record, beat_record, heartbeat_record
from core.queue import breaker
from messaging.services.messages import message_start
from notifications.services import notify
from tests.clock import LONDON, at
from tests.conftest import client_for
from tests.factories import LeaderFactory
from tests.notifications.helpers import message_event
from tests.notifications.test_worker_killed import _database_url, publishing_to
from tests.private_redis import real_clock_env

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "s3cret-metrics-token"
TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)
SATURDAY = dt.datetime(2026, 11, 28, 10, 0, tzinfo=LONDON)
MONDAY_0800 = dt.datetime(2026, 11, 30, 8, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _token(settings) -> None:
    settings.METRICS_TOKEN = TOKEN


def scrape(host: str = "testserver") -> str:
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", HTTP_HOST=host)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return response.content.decode()


def samples(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    """Every sample of the series ``name``: its labels (sorted) → its value."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                found[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def value(text: str, name: str, **labels: str) -> float | None:
    return samples(text, name).get(tuple(sorted(labels.items())))


# Who may read it ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer "]
)
def test_metrics_are_refused_without_the_token(authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = Client().get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert b"dojo_" not in response.content


def test_metrics_are_off_while_no_token_is_set(settings) -> None:
    settings.METRICS_TOKEN = ""
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_a_signed_in_leader_gets_no_metrics_without_the_token() -> None:
    assert client_for(LeaderFactory()).get("/metrics").status_code == 401


def test_metrics_answer_on_the_web_containers_name_which_allowed_hosts_does_not_name() -> None:
    assert Client().get("/", HTTP_HOST="web:8000").status_code == 400  # any other page
    assert "dojo_http_requests_total" in scrape(host="web:8000")


def test_nginx_does_not_pass_metrics_on_from_outside() -> None:
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "location = /metrics {\n        return 404;\n    }" in conf


# Requests -------------------------------------------------------------------------------------


def test_requests_are_counted_and_timed_by_the_urls_name_never_its_path_or_person(
    parent_with_child, teacher
) -> None:
    parent, pupil = parent_with_child
    parent.first_name, parent.email = "Zebedee", "zebedee.family@home.example.org"
    parent.save()
    before = scrape()
    ok = value(before, "dojo_http_requests_total", view="home", method="GET", status="2xx")
    lost = value(before, "dojo_http_requests_total", view="unresolved", method="GET", status="4xx")
    client = client_for(parent)
    with at(TUESDAY_1000):
        message = message_start(acting_user=parent, other=teacher, pupil=pupil, body="Hello")
    for _time in range(3):
        assert client.get(reverse("home")).status_code == 200
    thread = reverse("messaging_thread", args=[message.thread_id])
    assert client.get(thread).status_code == 200
    assert Client().get("/no/such/page/").status_code == 404

    after = scrape()
    counted = value(after, "dojo_http_requests_total", view="home", method="GET", status="2xx")
    assert counted == (ok or 0) + 3
    assert (value(after, "dojo_http_request_duration_seconds_count", view="home") or 0) >= 3
    assert value(
        after, "dojo_http_requests_total", view="messaging_thread", method="GET", status="2xx"
    )
    unresolved = {"view": "unresolved", "method": "GET", "status": "4xx"}
    assert value(after, "dojo_http_requests_total", **unresolved) == (lost or 0) + 1
    for words in (thread, str(message.thread_id) + "/", "Zebedee", "zebedee", "Maya"):
        assert words not in after


# Read at each scrape --------------------------------------------------------------------------


@shared_task(name="tests.core.always_fails")
def always_fails() -> None:
    raise RuntimeError("this task always fails")


def test_failed_tasks_are_counted_by_task_name() -> None:
    for _time in range(2):
        always_fails.apply()
    assert value(scrape(), "dojo_celery_task_failures_total", task="tests.core.always_fails") == 2


def test_beats_last_run_the_workers_heartbeat_and_the_last_backup_are_their_times() -> None:
    text = scrape()
    for name in ("dojo_beat_last_run", "dojo_worker_last_heartbeat", "dojo_backup_last"):
        assert samples(text, f"{name}_timestamp_seconds") == {}  # not known: no sample
    beat, heartbeat, backup = (TUESDAY_1000 - dt.timedelta(seconds=s) for s in (20, 40, 9000))
    beat_record(at=beat)
    heartbeat_record(at=heartbeat)
    backup_record(at=backup)
    text = scrape()
    assert value(text, "dojo_beat_last_run_timestamp_seconds") == beat.timestamp()
    assert value(text, "dojo_worker_last_heartbeat_timestamp_seconds") == heartbeat.timestamp()
    assert value(text, "dojo_backup_last_timestamp_seconds") == backup.timestamp()


def test_each_queues_length_is_read_from_the_broker(tmp_path: Path) -> None:
    from dojo_portal.celery import app

    with publishing_to(tmp_path):
        for _time in range(2):
            app.send_task("stories.tasks.transcode_attachment", args=(1,))
        app.send_task("messaging.tasks.sweep_notices")
        text = scrape()
    assert value(text, "dojo_broker_up") == 1
    assert value(text, "dojo_celery_queue_length", queue="media") == 2
    assert value(text, "dojo_celery_queue_length", queue="celery") == 1


def test_with_the_broker_down_the_metrics_say_so_and_still_answer(tmp_path: Path) -> None:
    with publishing_to(tmp_path):
        breaker.trip()
        try:
            text = scrape()
        finally:
            breaker.close()
    assert value(text, "dojo_broker_up") == 0
    assert samples(text, "dojo_celery_queue_length") == {}


def test_the_sweeps_lag_is_how_long_the_oldest_delivered_message_waits(
    parent_with_child, teacher, settings
) -> None:
    parent, pupil = parent_with_child
    with at(SATURDAY):
        message_start(acting_user=parent, other=teacher, pupil=pupil, body="Trip?")
    with at(MONDAY_0800 - dt.timedelta(minutes=1)):
        text = scrape()
    assert value(text, "dojo_messages_sweep_lag_seconds") == 0  # not delivered yet
    with at(MONDAY_0800 + dt.timedelta(minutes=5)):
        text = scrape()
    assert value(text, "dojo_messages_sweep_lag_seconds") == 300
    assert value(text, "dojo_messages_awaiting_notification") == 1


def test_emails_waiting_are_counted_with_the_oldest_wait(parent_with_child) -> None:
    parent, _pupil = parent_with_child
    notify([message_event(parent, 1), message_event(parent, 2)], now=TUESDAY_1000)
    with at(TUESDAY_1000 + dt.timedelta(minutes=2)):
        text = scrape()
    assert value(text, "dojo_emails_waiting") == 2
    assert value(text, "dojo_emails_oldest_wait_seconds") == 120


# gunicorn's processes -------------------------------------------------------------------------

COUNT_ONE = """
import django
django.setup()
from core.metrics import request_observe
request_observe(view="home", method="GET", status=200, seconds=0.05)
"""
EXPOSE = """
import django
django.setup()
from core.metrics import exposition
print(exposition().decode())
"""


def test_under_gunicorn_every_processs_requests_are_added_up(tmp_path: Path) -> None:
    """Each gunicorn worker writes its counts to PROMETHEUS_MULTIPROC_DIR; a scrape answered by
    any one of them reports all of them."""
    env = {
        **real_clock_env(),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "dojo_portal.settings.test",
        "DATABASE_URL": _database_url(),  # the test database, as the web processes share one
    }
    for _process in range(2):
        subprocess.run([sys.executable, "-c", COUNT_ONE], cwd=ROOT, env=env, check=True)
    done = subprocess.run(
        [sys.executable, "-c", EXPOSE], cwd=ROOT, env=env, check=True, capture_output=True
    )
    text = done.stdout.decode()
    assert value(text, "dojo_http_requests_total", view="home", method="GET", status="2xx") == 2
    assert value(text, "dojo_http_request_duration_seconds_count", view="home") == 2
    assert "dojo_broker_up" in text  # and the series read at the scrape


def test_no_series_is_labelled_with_anything_but_names_of_the_portals_own() -> None:
    allowed = {"view", "method", "status", "queue", "task"}
    for family in text_string_to_metric_families(metrics.exposition().decode()):
        if family.name.startswith("dojo_"):
            for sample in family.samples:
                assert set(sample.labels) - {"le"} <= allowed, sample
    assert os.environ.get("PROMETHEUS_MULTIPROC_DIR") is None


@pytest.mark.django_db(transaction=True)
def test_a_backup_written_is_the_last_backup_the_metrics_report(tmp_path: Path, settings) -> None:
    from core.backup import backup_write

    settings.MEDIA_ROOT = str(tmp_path / "media")
    with at(TUESDAY_1000):
        archive = backup_write(tmp_path / "backups")
    assert archive.exists()
    assert value(scrape(), "dojo_backup_last_timestamp_seconds") == TUESDAY_1000.timestamp()
