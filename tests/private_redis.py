"""A Redis server of the test's own, on a free port of 127.0.0.1, that the test may stop and
start again (never the machine's shared Redis). It keeps nothing on disk and stops itself
after ``LIFETIME_SECONDS`` even if the test process dies."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis
from django.test import override_settings
from kombu import pools as kombu_pools

from core import cache as resilient_cache
from core import queue
from dojo_portal.celery import app
from tests.requirements import require_or_skip

LIFETIME_SECONDS = 600


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on: the first free one of ``DOJO_TEST_PORTS``
    (``first-last``, for a machine where each run keeps to a range of its own), else any."""
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """``count`` different ports that nothing listens on (see ``free_port``)."""
    first, _, last = os.environ.get("DOJO_TEST_PORTS", "").partition("-")
    candidates = range(int(first), int(last) + 1) if first and last else [0] * count
    held: list[socket.socket] = []
    try:
        for port in candidates:
            probe = socket.socket()
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                probe.close()
                continue
            held.append(probe)
            if len(held) == count:
                return [int(sock.getsockname()[1]) for sock in held]
    finally:
        for sock in held:
            sock.close()
    raise AssertionError(
        f"no {count} free ports in DOJO_TEST_PORTS={os.environ['DOJO_TEST_PORTS']}"
    )


def real_clock_env() -> dict[str, str]:
    """This process's environment without libfaketime (CI runs a suite under ``faketime``):
    redis-server's allocator and libfaketime's clock hooks deadlock at its start, and a Redis
    server keeps its own clock anyway (its expiry times are the server's)."""
    preload = [
        library
        for library in os.environ.get("LD_PRELOAD", "").split(":")
        if library and "faketime" not in library
    ]
    env = {name: value for name, value in os.environ.items() if not name.startswith("FAKETIME")}
    env.pop("LD_PRELOAD", None)
    if preload:
        env["LD_PRELOAD"] = ":".join(preload)
    return env


class PrivateRedis:
    """``redis-server`` on its own port; ``stop()`` and ``start()`` as often as a test likes."""

    def __init__(self) -> None:
        self.port = free_port()
        self.folder = tempfile.mkdtemp(prefix="dojo-redis-")
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, db: int = 0) -> redis.Redis:
        return redis.Redis.from_url(self.url(db), socket_connect_timeout=1, socket_timeout=1)

    def start(self) -> None:
        assert self.process is None, "already running"
        command = [
            "timeout",
            str(LIFETIME_SECONDS),
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--dir",
            self.folder,
        ]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=real_clock_env()
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                if self.client().ping():
                    return
            except redis.RedisError:
                pass
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.02)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Redis accepts connections and then says nothing (its process stopped by SIGSTOP)."""
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        server = int(children.read_text().split()[0])  # `timeout`'s one child
        os.kill(server, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(server, signal.SIGCONT)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()  # timeout passes SIGTERM on: redis-server exits at once
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def require_redis_server() -> None:
    require_or_skip(
        shutil.which("redis-server") is not None and shutil.which("timeout") is not None,
        "needs redis-server (Debian's redis-server package) to start a Redis of its own",
    )


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    require_redis_server()
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.close()


def production_caches(server: PrivateRedis, *, retry_seconds: float = 0.3) -> dict[str, Any]:
    """``CACHES`` as settings.py makes it with ``REDIS_URL`` set, pointed at ``server``, with a
    prefix of the test's own and a short circuit (so a test need not wait five seconds)."""
    return {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": server.url(),
            "KEY_PREFIX": f"test-{secrets.token_hex(4)}",
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                "RETRY_SECONDS": retry_seconds,
            },
        }
    }


@contextmanager
def production_cache(server: PrivateRedis, *, retry_seconds: float = 0.3) -> Iterator[None]:
    """The shared cache is ``server``'s, as in production, with fresh circuits on the way in and
    out (no state leaks between tests)."""
    resilient_cache.breakers_reset()
    queue.breaker_reset()
    try:
        with override_settings(CACHES=production_caches(server, retry_seconds=retry_seconds)):
            yield
    finally:
        resilient_cache.breakers_reset()
        queue.breaker_reset()


# As settings.py configures a Redis broker.
REDIS_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "max_retries": 0,
}


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Publish for real (not eagerly) to the broker at ``url`` for the duration."""
    names = ("broker_url", "task_always_eager", "broker_transport_options")
    saved = {name: app.conf[name] for name in names}
    app.conf.update(
        broker_url=url, task_always_eager=False, broker_transport_options=REDIS_TRANSPORT_OPTIONS
    )
    app.__dict__["_pool"] = None
    app.amqp.__dict__["_producer_pool"] = None
    try:
        yield
    finally:
        app.conf.update(saved)
        kombu_pools.reset()
        app.__dict__["_pool"] = None
        app.amqp.__dict__["_producer_pool"] = None
