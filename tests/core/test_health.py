"""``/healthz`` (issue 20, item 2): every part's state as JSON, 503 only when the web process
cannot serve (the database), or with ``?strict=1`` when any part is down; answered on the
server's own names (a container probe) without opening ``ALLOWED_HOSTS`` to anything else."""

from __future__ import annotations

import datetime as dt
import json
import socket
import subprocess
import sys
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from celery.beat import ScheduleEntry
from celery.schedules import schedule
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from core.beat import RecordingScheduler
from core.health import STALE_SECONDS, Check, HealthReport, database_check
from core.heartbeat import beat_record, heartbeat_record, last_beat, last_heartbeat
from dojo_portal.celery import app
from tests.clock import at
from tests.private_redis import (
    PrivateRedis,
    broker_at,
    free_port,
    private_redis,
    production_cache,
    real_clock_env,
)
from tests.translation.standin import Route, StandIn, libretranslate_routes

__all__ = ["private_redis"]  # the fixture

PARTS = ["database", "cache", "broker", "worker", "beat", "translation"]
NOON = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def health(client: Client, path: str = "/healthz", **headers: Any) -> tuple[int, dict[str, Any]]:
    response = client.get(path, **headers)
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


def test_healthz_reports_every_part_as_json(client: Client, db: None) -> None:
    status, body = health(client)

    assert status == 200
    assert list(body["checks"]) == PARTS
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["cache"]["status"] == "ok"
    assert body["checks"]["broker"] == {
        "status": "ok",
        "detail": "none (tasks run in the web process)",
    }
    assert body["checks"]["translation"] == {"status": "off", "detail": "off"}
    # The suite runs tasks in-process: no worker to wait for, but beat has never run.
    assert body["checks"]["worker"]["status"] == "off"
    assert body["checks"]["beat"] == {"status": "down", "detail": "not seen yet"}
    assert body["status"] == "degraded"


def test_healthz_is_green_when_beat_and_the_worker_ran_lately(client: Client, db: None) -> None:
    with at(NOON) as clock:
        beat_record()
        heartbeat_record()
        clock.shift(dt.timedelta(seconds=42))
        status, body = health(client, "/healthz?strict=1")

    assert (status, body["status"]) == (200, "ok")
    assert body["checks"]["beat"] == {
        "status": "ok",
        "detail": "last sent a task 42 s ago",
        "age_seconds": 42,
    }


def test_a_worker_silent_for_three_minutes_is_down_and_strict_answers_503(
    client: Client, db: None
) -> None:
    with at(NOON) as clock, app_not_eager():
        beat_record()
        heartbeat_record()
        clock.shift(dt.timedelta(seconds=STALE_SECONDS + 1))
        beat_record()
        status, body = health(client)
        strict, _ = health(client, "/healthz?strict=1")

    assert body["checks"]["worker"] == {
        "status": "down",
        "detail": f"last heartbeat {STALE_SECONDS + 1} s ago",
        "age_seconds": STALE_SECONDS + 1,
    }
    assert body["checks"]["beat"]["status"] == "ok"
    # Pages still answer without a worker (the sweeps catch up): the probe stays green.
    assert (status, body["status"], strict) == (200, "degraded", 503)


def test_the_database_down_makes_the_verdict_down() -> None:
    report = HealthReport([Check("database", "down", "x"), Check("cache", "ok", "up")])
    assert report.status == "down"
    assert HealthReport([Check("cache", "down", "x")]).status == "degraded"


def test_healthz_answers_503_when_the_database_does_not_answer(tmp_path: Any) -> None:
    """A real process whose database is a PostgreSQL port where nothing listens."""
    script = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/healthz', HTTP_HOST='localhost')\n"
        "print(r.status_code, r.content.decode())\n"
    )
    env = {
        **real_clock_env(),
        "DATABASE_URL": f"postgresql://nobody@127.0.0.1:{free_port()}/none",
        "DJANGO_SETTINGS_MODULE": "dojo_portal.settings.test",
        "DOJO_TEST_PROCESS": "",
        "DOJO_TEST_RUN_DIR": str(tmp_path),
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    status, _, content = done.stdout.strip().partition(" ")
    assert status == "503", done.stdout + done.stderr[-2000:]
    body = json.loads(content)
    assert body["status"] == "down"
    assert body["checks"]["database"]["status"] == "down"
    assert body["checks"]["database"]["detail"].startswith("does not answer (")


def test_database_check_names_the_engine(db: None) -> None:
    assert database_check() == Check("database", "ok", connection.vendor)


@pytest.mark.services
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_with_its_redis_stopped_healthz_says_cache_and_broker_are_down(
    private_redis: PrivateRedis,
) -> None:
    client = Client()
    with production_cache(private_redis, retry_seconds=30), broker_at(private_redis.url()):
        _, before = health(client)
        private_redis.stop()
        status, during = health(client)
        strict, _ = health(client, "/healthz?strict=1")

    assert before["checks"]["cache"] == {"status": "ok", "detail": "up"}
    assert before["checks"]["broker"] == {"status": "ok", "detail": "up"}
    assert during["checks"]["cache"]["status"] == "down"
    assert during["checks"]["cache"]["detail"].startswith("down")
    assert during["checks"]["broker"] == {
        "status": "down",
        "detail": "down (tasks wait for their sweeps)",
    }
    assert during["checks"]["database"]["status"] == "ok"
    # Redis is an accelerator: pages answer from the database, so the probe stays green.
    assert (status, during["status"], strict) == (200, "degraded", 503)


def test_R17_healthz_reports_whether_the_translation_engine_answers(
    client: Client,
    db: None,
    settings: Any,
    stand_in: Callable[[dict[str, Route]], StandIn],
) -> None:
    server = stand_in(libretranslate_routes(lambda text, _s, _t: text, codes=("en", "es")))
    settings.TRANSLATION_BACKEND, settings.TRANSLATION_URL = "libretranslate", server.url
    _, answering = health(client)
    settings.TRANSLATION_URL = f"http://127.0.0.1:{free_port()}"
    _, silent = health(client)

    assert answering["checks"]["translation"] == {
        "status": "ok",
        "detail": "libretranslate: 2 language pairs",
    }
    assert silent["checks"]["translation"]["status"] == "down"
    assert silent["checks"]["translation"]["detail"].startswith("libretranslate: listing pairs")


# The host names a probe uses --------------------------------------------------------------


@pytest.fixture
def public_name_only(settings: Any) -> None:
    """As on a school's server: only the public name is allowed, HTTPS required."""
    settings.ALLOWED_HOSTS = ["portal.school.example.org"]
    settings.SECURE_SSL_REDIRECT = True


@pytest.mark.parametrize("host", ["localhost:8000", "127.0.0.1:8000", "[::1]:8000", "HOST"])
def test_healthz_answers_a_probe_on_the_servers_own_names(
    client: Client, db: None, public_name_only: None, host: str
) -> None:
    host = host.replace("HOST", socket.gethostname())
    status, body = health(client, HTTP_HOST=host)
    assert status == 200 and body["checks"]["database"]["status"] == "ok"


def test_the_local_names_open_nothing_but_healthz(
    client: Client, db: None, public_name_only: None
) -> None:
    assert client.get("/accounts/login/", HTTP_HOST="localhost").status_code == 400
    assert client.get("/healthz/", HTTP_HOST="localhost").status_code == 400
    assert client.get("/healthz", HTTP_HOST="evil.example.org").status_code == 400
    public = client.get("/healthz", HTTP_HOST="portal.school.example.org", secure=True)
    assert public.status_code == 200


def test_healthz_takes_no_post(client: Client, db: None) -> None:
    assert client.post("/healthz", HTTP_HOST="localhost").status_code == 405


# Beat's last run ---------------------------------------------------------------------------


def test_beat_runs_the_recording_scheduler(tmp_path: Any, db: None) -> None:
    assert app.conf.beat_scheduler == "core.beat:RecordingScheduler"
    scheduler = RecordingScheduler(app=app, schedule_filename=str(tmp_path / "schedule"))
    entry = ScheduleEntry(
        name="heartbeat", task="core.tasks.heartbeat", schedule=schedule(60), app=app
    )
    assert last_beat() is None
    try:
        with broker_at("memory://"):  # beat sends for real (eager mode does not apply to it)
            scheduler.apply_entry(entry, producer=None)
    finally:
        scheduler.close()

    assert last_beat() is not None
    assert last_heartbeat() is None  # sent, not run: that is the worker's part


def test_beat_sends_the_heartbeat_as_it_starts_and_the_rest_when_due(tmp_path: Any) -> None:
    scheduler = RecordingScheduler(app=app, schedule_filename=str(tmp_path / "schedule"))
    try:
        due = {name: entry.is_due()[0] for name, entry in scheduler.schedule.items()}
    finally:
        scheduler.close()

    assert [name for name, is_due in due.items() if is_due] == ["heartbeat"]


class app_not_eager:
    """Tasks as on a server: sent to a worker, not run in the web process."""

    def __enter__(self) -> None:
        self.saved = app.conf.task_always_eager
        app.conf.task_always_eager = False

    def __exit__(self, *exc: object) -> None:
        app.conf.task_always_eager = self.saved


# manage.py health --------------------------------------------------------------------------


def test_manage_py_health_exits_1_when_a_part_named_is_down(db: None) -> None:
    out = StringIO()
    call_command("health", "database", "cache", stdout=out)
    assert json.loads(out.getvalue())["checks"]["database"]["status"] == "ok"

    with pytest.raises(CommandError, match=r"^Down: beat\.$") as down:
        call_command("health", "beat", stdout=StringIO())
    assert down.value.returncode == 1
    beat_record()
    call_command("health", "beat", stdout=StringIO())

    with pytest.raises(CommandError, match="No part named bead: the parts are database, cache"):
        call_command("health", "bead", stdout=StringIO())
