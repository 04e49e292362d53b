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
