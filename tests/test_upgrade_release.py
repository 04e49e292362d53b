"""A school on the last release upgrades to this code with ``migrate`` alone (README.md,
"Upgrading").

The release is taken from git (the newest ``v*`` tag before this commit, or the commit
``CHANGELOG.md`` names for it when the clone came without tags), with its own code:
its ``migrate`` makes a new database and its ``seed_demo`` fills it, as a school's portal would
be. This code's ``migrate`` then upgrades that database, and a smoke test signs a parent in,
reads the feed, opens a photo and sends a message (``tests/release_smoke.py``). It runs on
PostgreSQL when the suite does, else on an SQLite file.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from tests.requirements import require_or_skip

BASE_DIR = Path(settings.BASE_DIR)
pytestmark = pytest.mark.django_db


def git(*args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(BASE_DIR), *args], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else ""


RELEASE_COMMIT = re.compile(r"^## (v\d+(?:\.\d+)*)\b.*?^Commit `([0-9a-f]{40})`", re.M | re.S)


def _version(tag: str) -> list[int]:
    return [int(part) for part in tag[1:].split(".")]


def released_commits() -> dict[str, str]:
    """Each release in CHANGELOG.md with its commit: a clone without tags still knows them."""
    text = (BASE_DIR / "CHANGELOG.md").read_text(encoding="utf-8")
    return dict(RELEASE_COMMIT.findall(text))


def behind_head(commit: str) -> bool:
    """The commit is in this checkout's history, and is not HEAD itself."""
    ancestor = subprocess.run(
        ["git", "-C", str(BASE_DIR), "merge-base", "--is-ancestor", commit, "HEAD"],
        capture_output=True,
        check=False,
    )
    return ancestor.returncode == 0 and git("rev-parse", "HEAD") != commit


def last_release() -> str:
    """The newest release behind this commit: its tag, or the commit CHANGELOG.md names for it
    when the tag did not come with the clone ('' when there is none or no git)."""
    tags = git("tag", "--list", "v*", "--merged", "HEAD", "--no-contains", "HEAD").split()
    known = {tag: tag for tag in tags}
    for tag, commit in released_commits().items():
        if tag not in known and behind_head(commit):
            known[tag] = commit
    return known[max(known, key=_version)] if known else ""


def release_code(tag: str, folder: Path) -> Path:
    """The release's files, as `git archive` gives them (no work tree, no git state)."""
    archive = subprocess.run(
        ["git", "-C", str(BASE_DIR), "archive", "--format=tar", tag],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A new, empty database of its own: PostgreSQL beside the suite's, or an SQLite file."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'school.sqlite3'}"
        return
    params = connection.settings_dict
    name = f"{params['NAME']}_release"[:63]
    admin = {
        "host": params["HOST"] or "127.0.0.1",
        "port": params["PORT"] or 5432,
        "user": params["USER"],
        "password": params["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**admin) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')
        server.execute(f'CREATE DATABASE "{name}"')
    password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
    yield f"postgresql://{params['USER']}{password}@{admin['host']}:{admin['port']}/{name}"
    with psycopg.connect(**admin) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(code: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, *args], cwd=code, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{' '.join(args)} in {code.name}:\n{done.stderr[-3000:]}"
    return done


def test_the_last_release_upgrades_with_migrate_alone_and_its_school_still_works(
    tmp_path: Path, database_url: str
) -> None:
    tag = last_release()
    require_or_skip(bool(tag), "no release tag (v*) before this commit in a git checkout")
    release = release_code(tag, tmp_path / "release")
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "DOJO_"))
    }
    env = {
        **environment,
        "DJANGO_SETTINGS_MODULE": "dojo_portal.settings.embedded",
        "DJANGO_DEBUG": "true",  # seed_demo refuses what looks like a real school
        "DATABASE_URL": database_url,
        "DOJO_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": "release-upgrade-" + "k" * 40,
        "TRANSLATION_BACKEND": "off",
    }

    run(release, env, "manage.py", "migrate", "--noinput")
    run(release, env, "manage.py", "seed_demo")
    run(BASE_DIR, env, "manage.py", "migrate", "--noinput")
    run(BASE_DIR, env, "manage.py", "migrate", "--check")
    seen = json.loads(run(BASE_DIR, env, "-m", "tests.release_smoke").stdout)

    assert seen["sign_in"] == 302 and seen["signed_in_as"], seen
    assert seen["feed"] == 200 and seen["photos_in_feed"] > 0, seen
    assert seen["photo"] == 200 and seen["photo_type"] == "image/webp", seen
    assert seen["thread"] == 200 and seen["message_shown"], seen
