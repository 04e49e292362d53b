"""``manage.py serve``: the worker it starts, and that it stops the worker with the server; and
that a real Celery worker on the filesystem transport (the one-machine default) runs tasks."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from django.conf import settings
from django.core.cache.backends.filebased import FileBasedCache

from core.heartbeat import HEARTBEAT_KEY, last_heartbeat
from core.tasks import heartbeat
from demo.management.commands import serve
from tests.private_redis import real_clock_env

WORKER_READY_SECONDS = 30


class FakeWorker:
    """Stands in for the worker process: records how it was stopped."""

    def __init__(self, argv: list[str], **kwargs: Any) -> None:
        self.argv, self.kwargs = argv, kwargs
        self.stopped_with: list[str] = []

    def poll(self) -> int | None:
        return 0 if self.stopped_with else None

    def terminate(self) -> None:
        self.stopped_with.append("terminate")

    def kill(self) -> None:
        self.stopped_with.append("kill")

    def wait(self, timeout: float | None = None) -> int:
        return 0


def test_worker_command_runs_one_worker_with_beat_and_its_schedule_in_var(
    tmp_path: Path,
) -> None:
    assert serve.worker_command(tmp_path) == [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "dojo_portal",
        "worker",
        "-B",
        "-s",
        str(tmp_path / "celerybeat-schedule"),
        "--loglevel",
        "INFO",
        "--concurrency",
        "2",
        "--queues",
        "celery",
    ]


def test_R36_recordings_have_a_worker_of_their_own_one_transcode_at_a_time() -> None:
    """So that two videos never take both of the worker's slots while messages wait."""
    assert serve.media_worker_command() == [
        sys.executable,
        *("-m", "celery", "-A", "dojo_portal", "worker", "--loglevel", "INFO"),
        *("--concurrency", "1", "--queues", "media", "--hostname", "media@%h"),
    ]


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8000"),
        ("0.0.0.0", "http://localhost:8000"),  # noqa: S104
        ("::1", "http://[::1]:8000"),
    ],
)
def test_printed_address_is_one_a_browser_can_open(host: str, url: str) -> None:
    assert serve.browser_url(host, 8000) == url


@pytest.mark.django_db
@pytest.mark.parametrize("stop", [KeyboardInterrupt, SystemExit, RuntimeError])
def test_serve_stops_the_worker_however_the_server_stops(
    monkeypatch: pytest.MonkeyPatch, stop: type[BaseException]
) -> None:
    workers: list[FakeWorker] = []
    served: list[tuple[Any, ...]] = []

    def popen(argv: list[str], **kwargs: Any) -> FakeWorker:
        workers.append(FakeWorker(argv, **kwargs))
        return workers[-1]

    def runserver(*args: Any, **kwargs: Any) -> None:
        served.append((*args, kwargs))
        raise stop

    monkeypatch.setattr(serve.subprocess, "Popen", popen)
    monkeypatch.setattr(serve, "call_command", runserver)
    monkeypatch.setattr(signal, "signal", lambda *args: None)
    out = StringIO()

    with pytest.raises(stop):
        serve.Command(stdout=out).handle(host="127.0.0.1", port=8123, no_worker=False)

    assert served == [("runserver", "127.0.0.1:8123", {"use_reloader": False})]
    [worker, media] = workers
    assert worker.argv == serve.worker_command(settings.VAR_DIR)
    assert media.argv == serve.media_worker_command()
    assert worker.stopped_with == media.stopped_with == ["terminate"]
    assert "http://127.0.0.1:8123/" in out.getvalue()
    assert serve.NO_DEMO in out.getvalue()


def worker_env(var_dir: Path) -> dict[str, str]:
    """The one-machine defaults: no Redis, no database URL, tasks not run in-process."""
    env = {
        name: value
        for name, value in real_clock_env().items()
        if name
        not in {"REDIS_URL", "CELERY_BROKER_URL", "DATABASE_URL", "CELERY_TASK_ALWAYS_EAGER"}
    }
    env.update(
        DOJO_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="dojo_portal.settings",
        DJANGO_DEBUG="true",
    )
    return env


def filesystem_sender(var_dir: Path) -> Celery:
    """A Celery client on the same filesystem queue as the worker that settings.py configures."""
    folders = {name: var_dir / "celery" / name for name in ("queue", "processed", "control")}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    return Celery(
        "sender",
        set_as_current=False,  # the project's app stays the one its tasks use
        broker="filesystem://",
        broker_transport_options={
            "data_folder_in": str(folders["queue"]),
            "data_folder_out": str(folders["queue"]),
            "processed_folder": str(folders["processed"]),
            "store_processed": False,
            "control_folder": str(folders["control"]),
        },
    )


def test_worker_on_the_filesystem_transport_runs_a_real_task(tmp_path: Path) -> None:
    cache = FileBasedCache(str(tmp_path / "cache"), {})
    filesystem_sender(tmp_path).send_task("core.tasks.heartbeat")
    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        worker = subprocess.Popen(
            serve.worker_command(tmp_path),
            cwd=settings.BASE_DIR,
            env=worker_env(tmp_path),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + WORKER_READY_SECONDS
        while cache.get(HEARTBEAT_KEY) is None and time.monotonic() < deadline:
            assert worker.poll() is None, log.read_text()[-2000:]
            time.sleep(0.25)
    finally:
        serve.stop_worker(worker)

    assert cache.get(HEARTBEAT_KEY) is not None, log.read_text()[-2000:]
    assert any(tmp_path.glob("celerybeat-schedule*")), "beat keeps its schedule in var/"


def test_heartbeat_task_records_when_a_worker_last_ran() -> None:
    assert last_heartbeat() is None

    recorded = heartbeat.delay().get()

    last = last_heartbeat()
    assert last is not None
    assert last.isoformat() == recorded


def test_healthz_reports_the_workers_heartbeat(client, db) -> None:
    from core.tasks import heartbeat
    from dojo_portal.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # as on a server: the worker's heartbeat is looked for
    try:
        assert client.get("/healthz").json()["checks"]["worker"]["detail"] == "not seen yet"
        heartbeat.apply()
        worker = client.get("/healthz").json()["checks"]["worker"]
    finally:
        app.conf.task_always_eager = eager
    assert worker["status"] == "ok" and worker["detail"].startswith("last heartbeat 0 s ago")
