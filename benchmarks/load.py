"""Benchmark: the portal's pages against a bare Django floor, then an open-loop mixed load,
both over gunicorn with production settings on PostgreSQL and Redis (issue 16).

What it builds, all of it its own and removed at the end: a Redis server on a free port of
127.0.0.1, two databases on the PostgreSQL server ``DATABASE_URL`` names (the portal's, with
the demo school at ``--scale 3``, and the floor's), and two gunicorn servers with the same
settings (``--workers``, sync workers, as the Dockerfile runs the portal):

- the portal, ``dojo_portal.settings.production`` (``DEBUG`` off, static files collected);
- the floor (``benchmarks/floor/``): a minimal Django project on the same database server and
  Redis, with sessions in the database as the portal keeps them, authentication, CSRF and
  messages, and one signed-in template.

Requests go over HTTP as nginx would send them (``X-Forwarded-Proto: https``), each signed in
as a distinct demo parent or teacher (``benchmarks/support/load_people.py``).

1. **Shares of the floor.** For each page, ``--rounds`` requests one after another, in five
   blocks interleaved with as many requests to the floor, so that both see the same machine.
   A page's share is its throughput divided by the floor's in its own blocks.
2. **Open loop.** At each rate of ``--rates`` for ``--seconds``, requests leave on a fixed
   schedule (``rate`` a second), whatever the answers do, over the mix: parent feed 40 %,
   parent home 15 %, points 10 %, notifications 10 %, a message thread 10 %, teacher home 10 %,
   an award (htmx POST) 5 %. A request's latency counts from when it was due to leave, so a
   queue in front of busy workers shows. Reports p50/p95/p99, errors, and the first rate whose
   p95 passes 150 ms. It stops raising the rate once p95 passes 2 s.

Needs ``DATABASE_URL`` naming a PostgreSQL server whose role may create databases, and
``redis-server``; without them it says so and exits 0 (``make benchmark`` runs every script).
Run: ``DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python
benchmarks/load.py [--rounds 150] [--rates 20,35,50,70,100,130] [--seconds 15] [--workers 2]``.
The load generator runs on the same machine, and its threads take some of the CPU the servers
would have: the figures are a lower bound for a server that only serves.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
HOST = "school.example"
P95_GOAL_MS = 150.0
GIVE_UP_MS = 2000.0
SHARE_PAGES = (
    "parent feed",
    "class story",
    "points",
    "thread",
    "award screen",
    "parent home",
    "teacher home",
    "notifications",
    "award",
)
MIX = (
    ("parent feed", 40),
    ("parent home", 15),
    ("points", 10),
    ("notifications", 10),
    ("thread", 10),
    ("teacher home", 10),
    ("award", 5),
)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    session: str
    body: str = ""


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]


@dataclass
class Stack:
    portal: Server
    floor: Server
    parents: list[dict[str, object]]
    teachers: list[dict[str, object]]
    floor_sessions: list[str]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def send(port: int, request: Request) -> int:
    """One request as nginx passes it on; the answer's status (0 when it failed)."""
    csrf = "c" * 32
    headers = {
        "Host": HOST,
        "X-Forwarded-Proto": "https",
        "Cookie": f"sessionid={request.session}; csrftoken={csrf}",
        "Accept-Encoding": "gzip",
    }
    if request.method == "POST":
        headers |= {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": csrf,
            "Origin": f"https://{HOST}",
            "Referer": f"https://{HOST}/",
            "HX-Request": "true",
        }
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request(
            request.method, request.path, body=request.body or None, headers=headers
        )
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return 0
    finally:
        connection.close()


def award_request(teacher: dict[str, object], rng: random.Random) -> Request:
    pupils = teacher["pupils"]
    assert isinstance(pupils, list)
    body = urlencode(
        {"skill": teacher["skill"], "pupils": rng.choice(pupils), "batch": str(uuid.uuid4())}
    )
    return Request("POST", str(teacher["award"]), str(teacher["session"]), body)


def page_request(stack: Stack, page: str, number: int, rng: random.Random) -> Request:
    """The request for ``page`` by the ``number``-th person of its kind (round robin)."""
    parent = stack.parents[number % len(stack.parents)]
    teacher = stack.teachers[number % len(stack.teachers)]
    paths = {
        "parent feed": (parent, "feed"),
        "parent home": (parent, "home"),
        "points": (parent, "points"),
        "notifications": (parent, "notifications"),
        "thread": (parent, "thread"),
        "class story": (teacher, "story"),
        "award screen": (teacher, "screen"),
        "teacher home": (teacher, "home"),
    }
    if page == "award":
        return award_request(teacher, rng)
    person, key = paths[page]
    return Request("GET", str(person[key]), str(person["session"]))


# --- building the stack -------------------------------------------------------------------


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - this interpreter, the benchmark's own arguments
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800
    )
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    for line in sorted(set(done.stderr.splitlines())):
        if line.startswith("left out:"):
            print(line)
    return done.stdout


def wait_for(port: int, path: str, session: str, timeout: float = 60) -> None:
    deadline, status = time.monotonic() + timeout, 0
    while time.monotonic() < deadline:
        status = send(port, Request("GET", path, session))
        if status == 200:
            return
        time.sleep(0.3)
    raise SystemExit(f"127.0.0.1:{port}{path} answered {status}, not 200, for {timeout:.0f} s")


def gunicorn(app: str, port: int, env: dict[str, str], workers: int) -> subprocess.Popen[bytes]:
    """The app served as the Dockerfile serves the portal; its log in the run's folder."""
    command = [str(Path(sys.executable).with_name("gunicorn")), app]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    log = Path(env["LOAD_LOG_DIR"]) / f"{app}.log"
    with log.open("wb") as output:
        return subprocess.Popen(command, cwd=ROOT, env=env, stderr=output)  # noqa: S603


@contextmanager
def databases(url: str) -> Iterator[tuple[str, str]]:
    """Two new databases on the server ``url`` names: the portal's and the floor's."""
    import psycopg

    parts = urlsplit(url)
    names = (f"bench_load_portal_{os.getpid()}", f"bench_load_floor_{os.getpid()}")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as server:
        for name in names:
            server.execute(f'CREATE DATABASE "{name}"')
    try:
        yield tuple(parts._replace(path=f"/{name}").geturl() for name in names)  # type: ignore[misc]
    finally:
        with psycopg.connect(admin, autocommit=True) as server:
            for name in names:
                server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def private_redis(folder: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [  # noqa: S607 - Debian's redis-server, found on PATH
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _attempt in range(50):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def environments(
    folder: Path, portal_db: str, floor_db: str, redis: str
) -> tuple[dict[str, str], dict[str, str]]:
    base = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "DOJO_"))
    }
    secret = secrets.token_urlsafe(40)
    portal = base | {
        "DJANGO_SETTINGS_MODULE": "dojo_portal.settings.production",
        "SECRET_KEY": secret,
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": portal_db,
        "REDIS_URL": redis,
        "DOJO_VAR_DIR": str(folder / "var"),
        "TRANSLATION_BACKEND": "off",
        "PYTHONPATH": str(ROOT),
        "LOAD_LOG_DIR": str(folder),
    }
    floor = base | {
        "DJANGO_SETTINGS_MODULE": "benchmarks.floor.settings",
        "SECRET_KEY": secret,
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": floor_db,
        "REDIS_URL": redis,
        "PYTHONPATH": str(ROOT),
        "LOAD_LOG_DIR": str(folder),
    }
    return portal, floor


@contextmanager
def stack(scale: int, workers: int) -> Iterator[Stack]:
    with (
        tempfile.TemporaryDirectory(prefix="dojo-load-") as temp,
        private_redis(Path(temp)) as redis,
        databases(os.environ["DATABASE_URL"]) as (portal_db, floor_db),
    ):
        portal, floor = environments(Path(temp), portal_db, floor_db, redis)
        started = time.perf_counter()
        run(portal, "manage.py", "migrate", "--noinput")
        # seed_demo makes demo people only where DEBUG is on; the server runs with it off.
        run(portal | {"DJANGO_DEBUG": "true"}, "manage.py", "seed_demo", "--scale", str(scale))
        run(portal, "manage.py", "collectstatic", "--noinput")
        people = json.loads(run(portal, "-m", "benchmarks.support.load_people"))
        run(floor, "-m", "django", "migrate", "--noinput")
        floor_sessions = json.loads(run(floor, "-m", "benchmarks.floor.people", "60"))
        print(
            f"demo school at scale {scale} and the floor built in "
            f"{time.perf_counter() - started:.0f} s"
        )
        ports = free_port(), free_port()
        processes = [
            gunicorn("dojo_portal.wsgi", ports[0], portal, workers),
            gunicorn("benchmarks.floor.wsgi", ports[1], floor, workers),
        ]
        try:
            built = Stack(
                Server("portal", ports[0], processes[0]),
                Server("floor", ports[1], processes[1]),
                people["parents"],
                people["teachers"],
                floor_sessions,
            )
            wait_for(ports[0], str(built.parents[0]["feed"]), str(built.parents[0]["session"]))
            wait_for(ports[1], "/", floor_sessions[0])
            yield built
        except SystemExit:
            for log in sorted(Path(temp).glob("*.log")):
                print(f"--- {log.name}", log.read_text(errors="replace")[-3000:], sep="\n")
            raise
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=30)


# --- measuring ------------------------------------------------------------------------------


def timed(port: int, requests: list[Request], expect: int) -> tuple[list[float], float]:
    """Milliseconds of each request, one after another, and the seconds for all of them."""
    times = []
    started = time.perf_counter()
    for request in requests:
        start = time.perf_counter()
        status = send(port, request)
        times.append((time.perf_counter() - start) * 1000)
        assert status == expect, f"{request.method} {request.path}: {status}"
    return times, time.perf_counter() - started


def warm_up(built: Stack) -> None:
    """Every person opens every page once, untimed: a school's server has been up all morning,
    with each family's caches (children, gates, fragments) warm."""
    rng = random.Random(0)  # noqa: S311 - a reproducible mix, not a secret
    people = max(len(built.parents), len(built.teachers))
    for page in SHARE_PAGES:
        for number in range(people):
            send(built.portal.port, page_request(built, page, number, rng))
    for session in built.floor_sessions:
        send(built.floor.port, Request("GET", "/", session))


def shares(built: Stack, rounds: int) -> None:
    rng = random.Random(16)  # noqa: S311 - a reproducible mix, not a secret
    block = max(rounds // 5, 1)
    print(f"\n{'page':<16} {'req/s':>7} {'median':>8} {'p95':>8} {'floor req/s':>12} {'share':>6}")
    for page in SHARE_PAGES:
        mine: list[float] = []
        floor: list[float] = []
        mine_s, floor_s, number = 0.0, 0.0, 0
        for _block in range(5):
            floor_requests = [
                Request("GET", "/", built.floor_sessions[(number + n) % len(built.floor_sessions)])
                for n in range(block)
            ]
            page_requests = [page_request(built, page, number + n, rng) for n in range(block)]
            number += block
            times, seconds = timed(built.floor.port, floor_requests, 200)
            floor, floor_s = floor + times, floor_s + seconds
            times, seconds = timed(built.portal.port, page_requests, 200)
            mine, mine_s = mine + times, mine_s + seconds
        rate, floor_rate = len(mine) / mine_s, len(floor) / floor_s
        p95 = statistics.quantiles(mine, n=20)[-1]
        print(
            f"{page:<16} {rate:7.1f} {statistics.median(mine):6.1f}ms {p95:6.1f}ms "
            f"{floor_rate:12.1f} {rate / floor_rate:6.2f}"
        )


@dataclass
class Outcome:
    rate: float
    latencies: list[float]
    errors: int
    seconds: float

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(int(share * len(ordered)), len(ordered) - 1)]


def open_loop(built: Stack, rate: float, seconds: float) -> Outcome:
    """Requests on a fixed schedule; latency from the time each was due."""
    rng = random.Random(int(rate))  # noqa: S311 - a reproducible mix, not a secret
    names = [name for name, weight in MIX for _ in range(weight)]
    count = int(rate * seconds)
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def one(due: float, request: Request) -> None:
        nonlocal errors
        status = send(built.portal.port, request)
        finished = time.perf_counter()
        with lock:
            latencies.append((finished - due) * 1000)
            errors += status != 200

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=256) as pool:
        for number in range(count):
            due = started + number / rate
            request = page_request(built, rng.choice(names), number, rng)
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            pool.submit(one, due, request)
    return Outcome(rate, latencies, errors, time.perf_counter() - started)


def loads(built: Stack, rates: list[float], seconds: float) -> None:
    print(f"\n{'rate/s':>7} {'sent':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'errors':>7}")
    passed = None
    for rate in rates:
        outcome = open_loop(built, rate, seconds)
        p95 = outcome.percentile(0.95)
        print(
            f"{rate:7.0f} {len(outcome.latencies):6d} {outcome.percentile(0.5):6.1f}ms "
            f"{p95:6.1f}ms {outcome.percentile(0.99):6.1f}ms {outcome.errors:7d}"
        )
        if p95 > P95_GOAL_MS and passed is None:
            passed = rate
        if p95 > GIVE_UP_MS:
            break
    if passed is None:
        print(f"p95 stayed under {P95_GOAL_MS:.0f} ms up to {rates[-1]:.0f} requests a second")
    else:
        print(f"p95 first passed {P95_GOAL_MS:.0f} ms at {passed:.0f} requests a second")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=150)
    parser.add_argument("--rates", default="20,35,50,70,100,130")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scale", type=int, default=3)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("SKIP load: set DATABASE_URL to a PostgreSQL server to run this benchmark.")
        return 0
    if shutil.which("redis-server") is None:
        print("SKIP load: redis-server is not installed.")
        return 0
    with stack(args.scale, args.workers) as built:
        print(
            f"gunicorn, {args.workers} sync workers each; {os.cpu_count()} cores; "
            f"{len(built.parents)} parents, {len(built.teachers)} teachers"
        )
        warm_up(built)
        shares(built, args.rounds)
        loads(built, [float(rate) for rate in args.rates.split(",")], args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
