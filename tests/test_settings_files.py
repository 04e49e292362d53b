"""Secrets through files (issue 20, item 3): every variable can be given as ``<NAME>_FILE``, a
file such as a Docker secret, so no secret sits in the containers' environment; both set is a
clear error. And SMTP over TLS on port 465 (``EMAIL_USE_SSL``), never together with STARTTLS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from dojo_portal.settings.environment import env, env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent

INSPECT = """
import json
import django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "secret_key": settings.SECRET_KEY,
    "db_user": db["USER"],
    "db_password": db["PASSWORD"],
    "db_host": db["HOST"],
    "email_password": settings.EMAIL_HOST_PASSWORD,
    "email_ssl": settings.EMAIL_USE_SSL,
    "email_tls": settings.EMAIL_USE_TLS,
    "email_port": settings.EMAIL_PORT,
    "vapid_private": settings.VAPID_PRIVATE_KEY,
    "translation_key": settings.TRANSLATION_API_KEY,
    "redis": settings.REDIS_URL,
}))
"""


def run_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A fresh Python reading the production settings with only ``env`` (plus PATH) set."""
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "dojo_portal.settings.production",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", INSPECT],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def settings_with(env: dict[str, str]) -> dict[str, Any]:
    done = run_settings(env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def secret(folder: Path, name: str, content: str) -> str:
    path = folder / name
    path.write_text(content)
    path.chmod(0o400)
    return str(path)


def test_every_secret_can_come_from_a_read_only_file(tmp_path: Path) -> None:
    """As docker-compose.yml gives them: /run/secrets/<name>, one value each, with the line
    break an editor or `echo` leaves at the end."""
    found = settings_with(
        {
            "DOJO_VAR_DIR": str(tmp_path),
            "SECRET_KEY_FILE": secret(tmp_path, "secret_key", "s" * 50 + "\n"),
            "DATABASE_URL": "postgres://dojo@db:5432/dojo",
            "DATABASE_PASSWORD_FILE": secret(tmp_path, "postgres_password", "pa55word\n"),
            "EMAIL_HOST": "smtp.school.example.org",
            "EMAIL_HOST_PASSWORD_FILE": secret(tmp_path, "smtp", "mail pass with spaces \n"),
            "VAPID_PUBLIC_KEY": "public",
            "VAPID_PRIVATE_KEY_FILE": secret(tmp_path, "vapid", "private-key\n"),
            "TRANSLATION_API_KEY_FILE": secret(tmp_path, "lt", "lt-key"),
            "REDIS_URL_FILE": secret(tmp_path, "redis", "redis://:r3dis@redis:6379/0\n"),
        }
    )

    assert found["secret_key"] == "s" * 50
    assert (found["db_user"], found["db_password"], found["db_host"]) == ("dojo", "pa55word", "db")
    assert found["email_password"] == "mail pass with spaces "  # only the line break goes
    assert found["vapid_private"] == "private-key"
    assert found["translation_key"] == "lt-key"
    assert found["redis"] == "redis://:r3dis@redis:6379/0"


def test_a_secret_given_both_ways_stops_the_start_and_says_which(tmp_path: Path) -> None:
    done = run_settings(
        {
            "DOJO_VAR_DIR": str(tmp_path),
            "SECRET_KEY": "k" * 50,
            "SECRET_KEY_FILE": secret(tmp_path, "secret_key", "s" * 50),
        }
    )

    assert done.returncode != 0
    assert "Both SECRET_KEY and SECRET_KEY_FILE are set: set only one of them" in done.stderr
    assert "s" * 50 not in done.stderr and "k" * 50 not in done.stderr  # no secret in the log


def test_a_secret_file_that_cannot_be_read_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMAIL_HOST_PASSWORD_FILE", "/nonexistent/smtp_password")
    monkeypatch.delenv("EMAIL_HOST_PASSWORD", raising=False)

    with pytest.raises(ImproperlyConfigured) as refused:
        env("EMAIL_HOST_PASSWORD")
    assert str(refused.value) == (
        "EMAIL_HOST_PASSWORD_FILE names /nonexistent/smtp_password, which cannot be read "
        "(FileNotFoundError: No such file or directory)."
    )


def test_yes_no_and_list_variables_read_files_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOJO_EXAMPLE_FLAG_FILE", secret(tmp_path, "flag", "yes\n"))
    monkeypatch.setenv(
        "DOJO_EXAMPLE_HOSTS_FILE", secret(tmp_path, "hosts", "a.example, b.example\n")
    )
    monkeypatch.delenv("DOJO_EXAMPLE_UNSET", raising=False)

    assert env_bool("DOJO_EXAMPLE_FLAG") is True
    assert env_list("DOJO_EXAMPLE_HOSTS") == ["a.example", "b.example"]
    assert env("DOJO_EXAMPLE_UNSET", "default") == "default"


def test_a_password_in_the_url_and_in_a_file_is_refused(tmp_path: Path) -> None:
    done = run_settings(
        {
            "DOJO_VAR_DIR": str(tmp_path),
            "SECRET_KEY": "k" * 50,
            "DATABASE_URL": "postgres://dojo:inline@db:5432/dojo",
            "DATABASE_PASSWORD_FILE": secret(tmp_path, "postgres_password", "pa55word"),
        }
    )

    assert done.returncode != 0
    assert "DATABASE_URL has a password and DATABASE_PASSWORD" in done.stderr
    assert "pa55word" not in done.stderr


def test_smtp_over_tls_on_465_with_email_use_ssl(tmp_path: Path) -> None:
    base = {"DOJO_VAR_DIR": str(tmp_path), "SECRET_KEY": "k" * 50, "EMAIL_HOST": "smtp.example"}

    over_tls = settings_with({**base, "EMAIL_USE_SSL": "true"})
    starttls = settings_with(base)

    assert (over_tls["email_ssl"], over_tls["email_tls"], over_tls["email_port"]) == (
        True,
        False,
        465,
    )
    assert (starttls["email_ssl"], starttls["email_tls"], starttls["email_port"]) == (
        False,
        True,
        587,
    )


def test_email_use_ssl_and_tls_together_stop_the_start(tmp_path: Path) -> None:
    done = run_settings(
        {
            "DOJO_VAR_DIR": str(tmp_path),
            "SECRET_KEY": "k" * 50,
            "EMAIL_USE_SSL": "true",
            "EMAIL_USE_TLS": "true",
        }
    )

    assert done.returncode != 0
    assert "EMAIL_USE_SSL (SMTP over TLS, port 465) and EMAIL_USE_TLS (STARTTLS" in done.stderr
