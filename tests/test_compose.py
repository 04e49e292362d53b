"""docker-compose.yml's worker stops gracefully (issue 13, item 6): on SIGTERM Celery's warm
shutdown finishes the tasks running, given longer than the longest batch before Docker sends
SIGKILL (its default is 10 s). No Docker engine runs here, so the file is read as text."""

from __future__ import annotations

import re
from pathlib import Path

from notifications.tasks import push_notifications

COMPOSE = Path(__file__).resolve().parents[1] / "docker-compose.yml"


def service(name: str) -> str:
    """The lines of one service of the compose file (up to the next one)."""
    text = COMPOSE.read_text()
    match = re.search(rf"^  {name}:\n((?:    .*\n|\n)+?)(?=^  \S|^\S)", text, re.MULTILINE)
    assert match, f"no service {name} in docker-compose.yml"
    return match.group(1)


def seconds(duration: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600}
    return sum(int(n) * units[u] for n, u in re.findall(r"(\d+)([smh])", duration))


def test_the_worker_gets_a_warm_shutdown_longer_than_its_longest_batch() -> None:
    worker = service("worker")
    assert re.search(r"^    stop_signal: SIGTERM$", worker, re.MULTILINE)
    grace = re.search(r"^    stop_grace_period: (\S+)$", worker, re.MULTILINE)
    assert grace, "Docker would give the worker 10 s before SIGKILL"
    assert seconds(grace.group(1)) > (push_notifications.soft_time_limit or 0) > 0  # 120 s


def test_R17_libretranslate_runs_on_the_compose_network_with_the_schools_languages() -> None:
    """Issue 15, item 5: the portal's engine by default, with its models in a volume, no port
    on the host, a healthcheck, and every portal language LibreTranslate has models for
    (Punjabi has none: listing it would stop the service from starting)."""
    from django.conf import settings

    engine = service("libretranslate")
    assert re.search(r"^    image: libretranslate/libretranslate:", engine, re.MULTILINE)
    assert "ports:" not in engine
    assert re.search(r"^      - libretranslate:/home/libretranslate/\.local$", engine, re.M)
    assert "healthcheck:" in engine
    loaded = re.search(r"LT_LOAD_ONLY: (\S+)", engine)
    assert loaded
    portal = {code.split("-")[0] for code, _name in settings.LANGUAGES}
    assert set(loaded.group(1).split(",")) == portal - {"pa"}
    text = COMPOSE.read_text()
    assert "TRANSLATION_BACKEND: ${TRANSLATION_BACKEND:-libretranslate}" in text
    assert "TRANSLATION_URL: ${TRANSLATION_URL:-http://libretranslate:5000}" in text
    assert re.search(r"^  libretranslate:$", text.split("\nvolumes:\n")[-1], re.MULTILINE)


# Hardened for a school's server (issue 20, item 3) -----------------------------------------

PORTAL_SERVICES = ("migrate", "web", "worker", "beat")
OTHER_SERVICES = ("db", "redis", "libretranslate", "nginx")
SECRETS = (
    "secret_key",
    "postgres_password",
    "email_host_password",
    "vapid_private_key",
    "metrics_token",
)


def anchor(name: str) -> str:
    """The lines of a top-level ``x-…: &name`` block."""
    text = COMPOSE.read_text()
    match = re.search(rf"^x-\S+: &{name}\n((?:  .*\n|\n)+?)(?=^\S)", text, re.MULTILINE)
    assert match, f"no anchor {name} in docker-compose.yml"
    return match.group(1)


def top_level(name: str) -> str:
    text = COMPOSE.read_text()
    match = re.search(rf"^{name}:\n((?:  .*\n|\n)+?)(?=^\S|\Z)", text, re.MULTILINE)
    assert match, f"no {name}: in docker-compose.yml"
    return match.group(1)


def memory_mb(service_text: str) -> int:
    found = re.search(r"^          memory: (\d+)M$", service_text, re.MULTILINE)
    assert found, "no memory limit"
    return int(found.group(1))


def test_every_container_log_is_rotated() -> None:
    logging = anchor("logging")
    assert re.search(r"^  driver: json-file$", logging, re.MULTILINE)
    assert re.search(r'^    max-size: "\d+m"$', logging, re.MULTILINE)
    assert re.search(r'^    max-file: "\d+"$', logging, re.MULTILINE)
    assert "  logging: *logging\n" in anchor("portal")
    for name in PORTAL_SERVICES:
        assert re.search(r"^    <<: \*portal$", service(name), re.MULTILINE), name
    for name in OTHER_SERVICES:
        assert "    logging: *logging\n" in service(name), name


def test_web_worker_and_beat_have_healthchecks_that_probe_themselves() -> None:
    web = service("web")
    assert "healthcheck:" in web and "http://localhost:8000/healthz" in web
    worker = service("worker")
    assert "celery -A dojo_portal inspect ping --destination celery@$$HOSTNAME" in worker
    media_worker = service("media-worker")
    assert '"--hostname", "media@%h"' in media_worker
    assert "celery -A dojo_portal inspect ping --destination media@$$HOSTNAME" in media_worker
    beat = service("beat")
    assert 'test: ["CMD", "python", "manage.py", "health", "beat"]' in beat
    for name in ("web", "worker", "media-worker", "beat", "db", "redis", "libretranslate"):
        assert re.search(r"^    healthcheck:$", service(name), re.MULTILINE), name


def test_services_start_in_order_and_nginx_waits_for_a_healthy_web() -> None:
    portal = anchor("portal")
    assert re.search(r"db:\n      condition: service_healthy", portal)
    # Redis is never a dependency: only started first (issue 13).
    assert re.search(r"redis:\n      condition: service_started", portal)
    for name in ("web", "worker", "media-worker", "beat"):
        assert re.search(
            r"migrate:\n        condition: service_completed_successfully", service(name)
        ), name
    assert re.search(r"web:\n        condition: service_healthy", service("nginx"))


def test_resource_limits_fit_a_two_core_four_gigabyte_server() -> None:
    running = ("db", "redis", "web", "worker", "media-worker", "beat", "libretranslate", "nginx")
    total = sum(memory_mb(service(name)) for name in running)
    assert total <= 4096 - 256, f"{total} MB of limits leave the system too little of 4 GB"
    assert memory_mb(service("migrate")) <= 1024
    for name in (*running, "migrate"):
        cpus = re.search(r'^          cpus: "([\d.]+)"$', service(name), re.MULTILINE)
        assert cpus and 0 < float(cpus.group(1)) <= 2, name


def test_images_are_pinned_to_exact_versions() -> None:
    text = COMPOSE.read_text()
    images = dict(
        image.partition("@")[0].rsplit(":", 1)
        for image in re.findall(r"^    image: (\S+)$", text, re.MULTILINE)
    )
    # PostgreSQL's versions have two numbers (15.10), the others three; a Debian release named.
    exact = r"v?\d+\.\d+(\.\d+)?(-bookworm)?"
    assert set(images) == {"postgres", "redis", "libretranslate/libretranslate", "nginx"}
    for name, tag in images.items():
        assert re.fullmatch(exact, tag), f"{name}:{tag} is not an exact version"
        assert name == "postgres" or tag.lstrip("v").count(".") == 2, f"{name}:{tag} floats"
    dockerfile = (COMPOSE.parent / "Dockerfile").read_text()
    base = re.search(r"^FROM (\S+)$", dockerfile, re.MULTILINE)
    assert base and re.fullmatch(r"python:\d+\.\d+\.\d+-slim-[a-z]+", base.group(1))


def test_secrets_are_read_only_files_never_environment_variables() -> None:
    text = COMPOSE.read_text()
    portal = anchor("portal")
    declared = top_level("secrets")
    for name in SECRETS:
        assert f"  {name}:\n    file: ./deploy/secrets/{name}\n" in declared, name
        assert f"    - {name}\n" in portal, name
    assert "SECRET_KEY_FILE: /run/secrets/secret_key" in portal
    assert "DATABASE_PASSWORD_FILE: /run/secrets/postgres_password" in portal
    assert "EMAIL_HOST_PASSWORD_FILE: /run/secrets/email_host_password" in portal
    assert "VAPID_PRIVATE_KEY_FILE: /run/secrets/vapid_private_key" in portal
    assert "METRICS_TOKEN_FILE: /run/secrets/metrics_token" in portal
    assert "DATABASE_URL: postgres://dojo@db:5432/dojo\n" in portal  # no password in the URL
    assert "POSTGRES_PASSWORD_FILE: /run/secrets/postgres_password" in service("db")
    for variable in (
        "SECRET_KEY",
        "POSTGRES_PASSWORD",
        "EMAIL_HOST_PASSWORD",
        "VAPID_PRIVATE_KEY",
        "METRICS_TOKEN",
    ):
        assert not re.search(rf"\b{variable}:", text), f"{variable} is in an environment"
        assert not re.search(rf"^{variable}=", ENV_EXAMPLE.read_text(), re.MULTILINE), variable
    # Never in git, never in the image.
    assert (COMPOSE.parent / "deploy/secrets/.gitignore").read_text().splitlines()[-2:] == [
        "*",
        "!.gitignore",
    ]
    assert "deploy/secrets" in (COMPOSE.parent / ".dockerignore").read_text().splitlines()


ENV_EXAMPLE = COMPOSE.parent / "deploy" / "env.example"
