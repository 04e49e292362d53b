"""The production stack for real (issue 20): Debian's nginx with ``deploy/nginx.conf`` (for
127.0.0.1, ports of the test's own, a self-signed certificate made here) before gunicorn with
the production settings on the test database, a Redis of its own, and the Celery worker, the
recordings' worker and beat started with the command lines of ``deploy/systemd/`` (the path
"Without Docker" in README.md; no Docker engine runs here). It checks what a school's IT person
would:

- the static CSS arrives gzip-encoded (collectstatic's ``.gz``, through ``gzip_static``);
- a photo from a permission-checked view, handed to nginx by X-Accel-Redirect, carries exactly
  one Cache-Control, the app's;
- a 70 MB upload gets the portal's own 413 page, saying the limit;
- ``/healthz`` is green through nginx, and on ``localhost`` straight from gunicorn (the
  container probe's way);
- ``/healthz?strict=1`` turns green: the cache and broker (Redis), the worker's heartbeat and
  beat's last run, from the real worker and beat;
- ``/metrics`` is not passed on by nginx, and gunicorn answers it to Prometheus's token on the
  web container's name, with both processes' requests added up.

Skipped with the reason where nginx, openssl or PostgreSQL is missing (fails instead under
``DOJO_REQUIRE_ALL=1``). Every process it starts stops by itself after ``LIFETIME`` seconds
even if the test process dies, and the test gives up after ``READY_SECONDS`` of waiting.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from stories.models import Audience
from stories.services.posts import post_create
from tests.factories import PupilFactory, SchoolClassFactory, TeacherFactory, assign_teacher
from tests.private_redis import PrivateRedis, free_ports, real_clock_env
from tests.requirements import require_or_skip
from tests.stories.conftest import jpeg_bytes

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, databases="__all__")]

LIFETIME = 300
# Beat sends the heartbeat as it starts (core.beat), and the worker runs it once it is ready.
HEARTBEAT_SECONDS = 60
UNITS = Path(settings.BASE_DIR) / "deploy" / "systemd"
READY_SECONDS = 60
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CONF = Path(settings.BASE_DIR) / "deploy" / "nginx.conf"
HOST = "portal.school.test"
UPLOAD_BYTES = 70 * 1024 * 1024


@dataclass
class FrontEnd:
    https_port: int
    gunicorn_port: int
    folder: Path

    def request(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        port: int | None = None,
    ) -> tuple[http.client.HTTPResponse, bytes]:
        if port is None:
            context = ssl.create_default_context(cafile=str(self.folder / "fullchain.pem"))
            context.check_hostname = False
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                "127.0.0.1", self.https_port, context=context, timeout=20
            )
        else:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        conn.request(method, path, headers={"Host": HOST, **(headers or {})})
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response, body


def nginx_version() -> tuple[int, ...]:
    done = subprocess.run([NGINX, "-v"], capture_output=True, text=True, check=False)
    found = re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", done.stderr)
    assert found, done.stderr
    return tuple(int(part) for part in found.groups())


def rendered_conf(front: FrontEnd, static_root: Path, media_root: Path, http_port: int) -> str:
    """deploy/nginx.conf as on the school's server, moved to this machine's ports and folders.
    Each replacement must find its text: a changed config fails here, not silently."""
    conf = CONF.read_text()
    listen_tls = f"listen 127.0.0.1:{front.https_port} ssl;"
    if nginx_version() < (1, 25, 1):  # as the config's comment says for Debian 12's nginx
        conf = replace(conf, "    http2 on;\n", "")
        listen_tls = f"listen 127.0.0.1:{front.https_port} ssl http2;"
    for old, new in [
        ("server web:8000;", f"server 127.0.0.1:{front.gunicorn_port};"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("    listen [::]:80;\n", ""),
        ("listen 443 ssl;", listen_tls),
        ("    listen [::]:443 ssl;\n", ""),
        ("/etc/nginx/certs/", f"{front.folder}/"),
        ("/var/lib/dojo/static/", f"{static_root}/"),
        ("/var/lib/dojo/media/", f"{media_root}/"),
    ]:
        conf = replace(conf, old, new)
    temp = front.folder / "temp"
    temp.mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the test's folders
    return (
        f"{user}daemon off;\nworker_processes 1;\npid {front.folder}/nginx.pid;\n"
        f"error_log {front.folder}/error.log;\nevents {{}}\nhttp {{\n"
        "include /etc/nginx/mime.types;\ndefault_type application/octet-stream;\n"
        f"access_log {front.folder}/access.log;\n"
        + "".join(f"{kind}_temp_path {temp}/{kind};\n" for kind in TEMP_PATHS)
        + conf
        + "\n}\n"
    )


TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def replace(text: str, old: str, new: str) -> str:
    assert old in text, f"deploy/nginx.conf no longer has {old!r}"
    return text.replace(old, new)


METRICS_TOKEN = "prometheus-reads-this"


def production_env(var_dir: Path) -> dict[str, str]:
    params = connection.settings_dict
    url = (
        f"postgresql://{params['USER']}@{params['HOST']}:{params['PORT'] or 5432}/{params['NAME']}"
    )
    env = {
        name: value
        for name, value in real_clock_env().items()
        if name not in {"DJANGO_DEBUG", "CELERY_TASK_ALWAYS_EAGER", "DOJO_TEST_PROCESS"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="dojo_portal.settings.production",
        SECRET_KEY=settings.SECRET_KEY,  # the sessions the test signs in with
        DATABASE_URL=url,
        DATABASE_PASSWORD=str(params["PASSWORD"] or ""),
        DOJO_VAR_DIR=str(var_dir),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        MEDIA_ACCEL_REDIRECT_PREFIX="/_protected/",
        ALLOWED_HOSTS=HOST,
        TRUST_X_REAL_IP="true",
        TRANSLATION_BACKEND="off",
        METRICS_TOKEN=METRICS_TOKEN,
    )
    return env


def unit_command(unit: str, schedule: Path) -> list[str]:
    """A systemd unit's ``ExecStart``, with this machine's Celery and a schedule of the test's."""
    text = (UNITS / unit).read_text()
    match = re.search(r"^ExecStart=(.*)$", text, re.MULTILINE)
    assert match, unit
    words = match.group(1).replace("%H", "%h").split()  # systemd's host name, then Celery's
    words[0] = str(Path(sys.executable).with_name("celery"))
    return [str(schedule) if word.endswith("celerybeat-schedule") else word for word in words]


def started(
    command: list[str], log: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            ["timeout", str(LIFETIME), *command],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_until_up(front: FrontEnd, processes: list[tuple[subprocess.Popen[bytes], Path]]) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while True:
        for process, log in processes:
            assert process.poll() is None, log.read_text()[-3000:]
        try:
            response, _body = front.request("GET", "/healthz")
            if response.status == 200:
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, "nginx and gunicorn did not answer in time"
        time.sleep(0.2)


@pytest.fixture
def front_end(tmp_path: Path) -> Iterator[FrontEnd]:
    require_or_skip(Path(NGINX).exists(), "needs nginx (Debian's nginx package)")
    require_or_skip(shutil.which("openssl") is not None, "needs openssl to make a certificate")
    require_or_skip(shutil.which("curl") is not None, "needs curl to speak HTTP/2 to nginx")
    require_or_skip(
        connection.vendor == "postgresql",
        "needs PostgreSQL: gunicorn's processes cannot share SQLite's in-memory test database",
    )
    redis = PrivateRedis()  # listening before the other ports are chosen
    redis.start()
    https_port, gunicorn_port, http_port = free_ports(3)
    front = FrontEnd(https_port, gunicorn_port, folder=tmp_path / "front")
    front.folder.mkdir()
    subprocess.run(  # a self-signed certificate for 127.0.0.1, valid for a day
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={HOST}",
            "-keyout",
            str(front.folder / "privkey.pem"),
            "-out",
            str(front.folder / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    env = {**production_env(tmp_path / "var"), "REDIS_URL": redis.url()}
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert collected.returncode == 0, collected.stderr[-3000:]
    counts = tmp_path / "prometheus"  # emptied at each start, as compose's command does
    counts.mkdir()
    gunicorn = started(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "dojo_portal.wsgi",
            "--bind",
            f"127.0.0.1:{front.gunicorn_port}",
            "--workers",
            "2",
        ],
        front.folder / "gunicorn.log",
        {**env, "PROMETHEUS_MULTIPROC_DIR": str(counts)},
    )
    conf = front.folder / "nginx.conf"
    conf.write_text(
        rendered_conf(front, tmp_path / "var" / "static", Path(settings.MEDIA_ROOT), http_port)
    )
    nginx = started(
        [NGINX, "-c", str(conf), "-e", str(front.folder / "error.log")], front.folder / "nginx.log"
    )
    schedule = tmp_path / "var" / "celerybeat-schedule"
    celery = [
        (started(unit_command(unit, schedule), front.folder / f"{unit}.log", env), unit)
        for unit in ("dojo-worker.service", "dojo-media-worker.service", "dojo-beat.service")
    ]
    processes = [nginx, gunicorn, *(process for process, _unit in celery)]
    try:
        wait_until_up(
            front,
            [
                (gunicorn, front.folder / "gunicorn.log"),
                (nginx, front.folder / "error.log"),
                *((process, front.folder / f"{unit}.log") for process, unit in celery),
            ],
        )
        yield front
    finally:
        for process in processes:
            process.terminate()  # timeout passes SIGTERM on
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
        redis.close()


def test_nginx_in_front_of_gunicorn_compresses_caches_once_refuses_big_uploads_kindly(
    front_end: FrontEnd, school: object
) -> None:
    oak = SchoolClassFactory.create(name="Oak")
    teacher = assign_teacher(TeacherFactory.create(), oak)
    PupilFactory.create(school_class=oak, first_name="Maya")
    post = post_create(
        acting_user=teacher,
        audience=Audience.CLASS,
        school_class=oak,
        body="Pond dipping.",
        uploads=[
            SimpleUploadedFile("pond.jpg", jpeg_bytes((800, 600)), content_type="image/jpeg")
        ],
        tagged_ids=[],
        no_child_appears=True,
    )
    attachment = post.attachments.get()
    signed_in = Client()
    signed_in.force_login(teacher)
    cookie = {"Cookie": f"sessionid={signed_in.cookies['sessionid'].value}"}

    css, css_body = front_end.request(
        "GET", "/static/css/portal.css", headers={"Accept-Encoding": "gzip"}
    )
    assert css.status == 200 and css.getheader("Content-Encoding") == "gzip"
    original = (Path(settings.BASE_DIR) / "static" / "css" / "portal.css").read_bytes()
    assert gzip.decompress(css_body) == original and len(css_body) < len(original) / 2

    photo, photo_body = front_end.request(
        "GET", f"/stories/media/{attachment.key}/thumb/", headers=cookie
    )
    assert photo.status == 200, photo_body[:500]
    assert photo.getheader("Content-Type") == "image/webp" and photo_body[:4] == b"RIFF"
    cache_control = photo.headers.get_all("Cache-Control")
    assert cache_control is not None and len(cache_control) == 1, cache_control
    assert cache_control[0].count("private") == 1 and "no-store" not in cache_control[0]

    status, page = upload_too_large(front_end, f"/stories/new/class/{oak.pk}/", cookie)
    assert status == 413
    assert "<h1>Too large to send</h1>" in page and "more than 60.0\xa0MB" in page
    assert 'lang="ar" dir="rtl"' in page
    # Browsers speak HTTP/2 to nginx, where the refused body is checked again as it is
    # discarded: the same page, not nginx's own.
    status, page = upload_too_large_http2(front_end, f"/stories/new/class/{oak.pk}/", cookie)
    assert status == 413
    assert "<h1>Too large to send</h1>" in page and "more than 60.0\xa0MB" in page

    health, health_body = front_end.request("GET", "/healthz")
    assert health.status == 200
    assert json.loads(health_body)["checks"]["database"]["status"] == "ok"
    checks = green_within(front_end, HEARTBEAT_SECONDS)
    for part in ("database", "cache", "broker", "worker", "beat"):
        assert checks[part]["status"] == "ok", checks
    probe, probe_body = front_end.request(
        "GET", "/healthz", headers={"Host": "localhost"}, port=front_end.gunicorn_port
    )
    assert probe.status == 200, probe_body[:300]
    refused, _ = front_end.request(
        "GET", "/accounts/login/", headers={"Host": "localhost"}, port=front_end.gunicorn_port
    )
    assert refused.status == 400  # the local name opens /healthz only

    hidden, _ = front_end.request("GET", "/metrics")
    assert hidden.status == 404  # nginx keeps it to the internal network
    metrics, metrics_body = front_end.request(
        "GET",
        "/metrics",
        headers={"Host": "web:8000", "Authorization": f"Bearer {METRICS_TOKEN}"},
        port=front_end.gunicorn_port,
    )
    assert metrics.status == 200, metrics_body[:300]
    text = metrics_body.decode()
    thumbs = re.findall(
        r'^dojo_http_requests_total\{method="GET",status="2xx",view="stories_thumbnail"\} (\S+)$',
        text,
        re.MULTILINE,
    )
    assert thumbs and float(thumbs[0]) >= 1, text[:2000]
    assert "dojo_broker_up" in text and "dojo_messages_sweep_lag_seconds" in text


def green_within(front: FrontEnd, seconds: float) -> dict[str, dict[str, object]]:
    """``/healthz?strict=1``'s checks once it answers 200 (every part up), through nginx."""
    deadline = time.monotonic() + seconds
    while True:
        response, body = front.request("GET", "/healthz?strict=1")
        if response.status == 200:
            checks: dict[str, dict[str, object]] = json.loads(body)["checks"]
            return checks
        assert time.monotonic() < deadline, body[:1000]
        time.sleep(1)


def upload_too_large(front: FrontEnd, path: str, cookie: dict[str, str]) -> tuple[int, str]:
    """POST 70 MB of multipart form as a browser would, sending until nginx stops listening;
    then read its answer."""
    context = ssl.create_default_context(cafile=str(front.folder / "fullchain.pem"))
    context.check_hostname = False
    conn = http.client.HTTPSConnection("127.0.0.1", front.https_port, context=context, timeout=20)
    conn.putrequest("POST", path, skip_host=True)
    for name, value in {
        "Host": HOST,
        "Content-Type": "multipart/form-data; boundary=x",
        "Content-Length": str(UPLOAD_BYTES),
        **cookie,
    }.items():
        conn.putheader(name, value)
    conn.endheaders()
    chunk = b"\0" * (1024 * 1024)
    try:
        for _megabyte in range(UPLOAD_BYTES // len(chunk)):
            conn.send(chunk)
    except OSError:
        pass  # nginx answered and closed before the whole body: as it should
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return response.status, body


def upload_too_large_http2(front: FrontEnd, path: str, cookie: dict[str, str]) -> tuple[int, str]:
    """The same upload over HTTP/2, as a browser sends it (curl: the standard library has no
    HTTP/2 client)."""
    body = front.folder / "upload.bin"
    with body.open("wb") as out:
        out.truncate(UPLOAD_BYTES)
    answer = front.folder / "answer.html"
    done = subprocess.run(
        [
            "curl", "--silent", "--http2", "--cacert", str(front.folder / "fullchain.pem"),
            "--resolve", f"{HOST}:{front.https_port}:127.0.0.1",
            "--header", "Content-Type: multipart/form-data; boundary=x",
            "--header", f"Cookie: {cookie['Cookie']}",
            "--request", "POST", "--upload-file", str(body), "--output", str(answer),
            "--write-out", "%{http_code} %{http_version}",
            f"https://{HOST}:{front.https_port}{path}",
        ],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    status, version = done.stdout.split()
    assert version == "2", done.stdout  # the point of this request
    return int(status), answer.read_text()
