"""Settings come from the environment, with embedded defaults that need nothing installed.

Each case starts a fresh Python with a clean environment, so no test run's settings leak in.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent

INSPECT = """
import json
import re
import django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
cache = settings.CACHES["default"]
print(json.dumps({
    "db_engine": db["ENGINE"],
    "db_name": str(db["NAME"]),
    "db_host": db.get("HOST", ""),
    "cache_backend": cache["BACKEND"],
    "cache_location": str(cache.get("LOCATION", "")),
    "email_backend": settings.EMAIL_BACKEND,
    "broker": settings.CELERY_BROKER_URL,
    "broker_options": settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    "debug": settings.DEBUG,
    "fallback_database": settings.CACHE_FALLBACK_DATABASE,
    "fallback_name": str(settings.DATABASES[settings.CACHE_FALLBACK_DATABASE]["NAME"]),
}))
"""


def settings_with(env: dict[str, str]) -> dict[str, Any]:
    """The settings a process sees with only ``env`` (plus PATH) in its environment."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", **env}
    clean["DJANGO_SETTINGS_MODULE"] = "dojo_portal.settings"
    done = subprocess.run(
        [sys.executable, "-c", INSPECT],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_nothing_set_gives_the_embedded_defaults(tmp_path: Path) -> None:
    found = settings_with({"DOJO_VAR_DIR": str(tmp_path)})

    assert found["db_engine"] == "django.db.backends.sqlite3"
    assert Path(found["db_name"]).parent == tmp_path
    assert found["cache_backend"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert Path(found["cache_location"]).is_relative_to(tmp_path)
    assert found["email_backend"] == "django.core.mail.backends.console.EmailBackend"
    assert found["broker"] == "filesystem://"
    # Debug mode only when asked for (DJANGO_DEBUG=true, as `make run` does).
    assert found["debug"] is False
    options = found["broker_options"]
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        folder = Path(options[key])
        assert folder.is_relative_to(tmp_path), key
        assert folder.is_dir(), f"{key} folder was not created"


def test_nothing_set_keeps_a_secret_key_in_var(tmp_path: Path) -> None:
    settings_with({"DOJO_VAR_DIR": str(tmp_path)})

    key_file = tmp_path / "secret_key"
    assert len(key_file.read_text().strip()) >= 50
    assert key_file.stat().st_mode & 0o077 == 0, "the secret key is readable by others"


def test_database_and_redis_urls_switch_to_production_parts(tmp_path: Path) -> None:
    found = settings_with(
        {
            "DOJO_VAR_DIR": str(tmp_path),
            "SECRET_KEY": "k" * 50,
            "DATABASE_URL": "postgresql://portal@db.internal:5432/dojo_portal",
            "REDIS_URL": "redis://cache.internal:6379/0",
        }
    )

    assert found["db_engine"] == "django.db.backends.postgresql"
    assert found["db_name"] == "dojo_portal"
    assert found["db_host"] == "db.internal"
    # Redis, with the database standing in while it does not answer (issue 13), on a
    # connection of its own to the same database.
    assert found["cache_backend"] == "core.cache.ResilientRedisCache"
    assert found["cache_location"] == "redis://cache.internal:6379/0"
    assert found["fallback_database"] == "cache_fallback"
    assert found["fallback_name"] == "dojo_portal"
    assert found["broker"] == "redis://cache.internal:6379/0"
    assert "data_folder_in" not in found["broker_options"]
    assert found["debug"] is False


def test_smtp_email_when_a_host_is_given(tmp_path: Path) -> None:
    found = settings_with({"DOJO_VAR_DIR": str(tmp_path), "EMAIL_HOST": "smtp.school.internal"})

    assert found["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", INSPECT],
        cwd=BASE_DIR,
        env={
            "PATH": os.environ.get("PATH", ""),
            "DJANGO_SETTINGS_MODULE": "dojo_portal.settings",
            "DOJO_VAR_DIR": str(tmp_path),
            "DJANGO_DEBUG": "false",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode != 0
    assert "SECRET_KEY must be set" in done.stderr
    assert not (tmp_path / "secret_key").exists()


def manage_check(settings_module: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``manage.py check`` in a fresh Python with only ``env`` (plus PATH) and the settings
    module named explicitly, as docker-compose.yml names the production one."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", **env}
    clean["DJANGO_SETTINGS_MODULE"] = settings_module
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_embedded_settings_named_explicitly_start_and_keep_their_key_in_var(
    tmp_path: Path,
) -> None:
    done = manage_check("dojo_portal.settings.embedded", {"DOJO_VAR_DIR": str(tmp_path)})

    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout
    key_file = tmp_path / "secret_key"
    key = key_file.read_text().strip()
    assert len(key) >= 50
    assert key_file.stat().st_mode & 0o077 == 0, "the secret key is readable by others"
    # The next start reads the same key: sessions and hashed codes survive a restart.
    again = manage_check("dojo_portal.settings.embedded", {"DOJO_VAR_DIR": str(tmp_path)})
    assert again.returncode == 0, again.stderr
    assert key_file.read_text().strip() == key


def test_the_production_settings_named_explicitly_start_with_a_secret_key(
    tmp_path: Path,
) -> None:
    done = manage_check(
        "dojo_portal.settings.production",
        {"DOJO_VAR_DIR": str(tmp_path), "SECRET_KEY": "k" * 50},
    )

    assert done.returncode == 0, done.stderr
    # The one thing it says: the static files are not collected yet in this new var folder
    # (core.W001, the warning a school's IT gets before `collectstatic`).
    assert "System check identified 1 issue (0 silenced)." in done.stderr, done.stderr
    assert "core.W001" in done.stderr, done.stderr
    assert not (tmp_path / "secret_key").exists(), "production made up a key of its own"


def test_the_production_settings_named_explicitly_refuse_to_start_without_a_secret_key(
    tmp_path: Path,
) -> None:
    done = manage_check("dojo_portal.settings.production", {"DOJO_VAR_DIR": str(tmp_path)})

    assert done.returncode != 0
    assert (
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY must be set: the production "
        "settings never make one up (docs/configuration.md)." in done.stderr
    ), done.stderr
    assert not (tmp_path / "secret_key").exists()


READS = re.compile(
    r"""(?:\benv|\benv_bool|\benv_list|os\.environ\.get|os\.environ\.setdefault)\(\s*"([A-Z0-9_]+)"
    |os\.environ\["([A-Z0-9_]+)"\]""",
    re.VERBOSE,
)


def test_every_variable_the_settings_read_is_in_the_configuration_table() -> None:
    read = set()
    for module in (BASE_DIR / "dojo_portal" / "settings").glob("*.py"):
        for match in READS.finditer(module.read_text(encoding="utf-8")):
            read.add(match.group(1) or match.group(2))
    table = (BASE_DIR / "docs" / "configuration.md").read_text(encoding="utf-8")
    rows = {
        name
        for line in table.splitlines()
        if line.startswith("| `")
        for name in re.findall(r"`([A-Z0-9_]+)`", line.split(" | ")[0])
    }

    assert len(read) > 40, read  # the pattern still finds the settings' reads
    assert read - rows == set(), "variables the settings read that docs/configuration.md lacks"
