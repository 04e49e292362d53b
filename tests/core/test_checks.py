"""Without Docker, the production settings answer 500 on every page until ``collectstatic`` has
run (issue 20): the portal says so at start, in ``manage.py check`` (and every command that
runs the checks) and in the web server's log, with what to run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Warning

from core.checks import STATIC_HINT, STATIC_NOT_COLLECTED, check_static_collected
from tests.private_redis import real_clock_env

MANIFEST_STORAGE = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}


def test_a_missing_static_manifest_is_a_warning_with_what_to_run(
    settings: Any, tmp_path: Path
) -> None:
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": MANIFEST_STORAGE}

    warnings = check_static_collected()

    manifest = f"{tmp_path / 'static'}/staticfiles.json"
    assert warnings == [
        Warning(STATIC_NOT_COLLECTED.format(manifest=manifest), hint=STATIC_HINT, id="core.W001")
    ]
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    assert check_static_collected() == []


def test_storage_without_a_manifest_needs_no_collecting(settings: Any, tmp_path: Path) -> None:
    settings.STATIC_ROOT = tmp_path / "nothing-here"
    assert check_static_collected() == []  # the suite's plain storage, as the embedded one


def test_the_web_server_logs_it_at_start(tmp_path: Path) -> None:
    env = {
        name: value
        for name, value in real_clock_env().items()
        if name not in {"DJANGO_DEBUG", "DOJO_TEST_PROCESS", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="dojo_portal.settings.production",
        SECRET_KEY="k" * 50,
        DOJO_VAR_DIR=str(tmp_path),
    )
    env.pop("DATABASE_URL", None)
    started = subprocess.run(
        [sys.executable, "-c", "import dojo_portal.wsgi"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert started.returncode == 0, started.stderr
    assert "The static files have not been collected" in started.stderr
    assert "Run `python manage.py collectstatic --noinput`" in started.stderr
    assert os.fspath(tmp_path / "static" / "staticfiles.json") in started.stderr
