"""``manage.py backup`` and ``manage.py restore`` (issue 20, item 4): the round trip of the demo
school into a new database and a new media folder gives the same rows in every table and the
same files; a damaged archive, or a target that is not empty, is refused and nothing changes."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from core.backup import (
    DATABASE_NOT_EMPTY,
    MANIFEST,
    MEDIA_NOT_EMPTY,
    BackupError,
    backup_check,
    backup_restore,
    backup_write,
)
from tests.private_redis import real_clock_env

# Committed data, as a backup of a running portal sees it: pg_dump reads it on a connection of
# its own, and SQLite's backup cannot copy a database its own connection holds a write lock on.
pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

COUNTS = """
import json, django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    counts = {}
    for table in connection.introspection.table_names(cursor):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
print(json.dumps(counts))
"""


@pytest.fixture(autouse=True)
def _own_media_folder(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608  (the schema's names)
            counts[table] = cursor.fetchone()[0]
    return counts


def checksums(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def new_portal(tmp_path: Path) -> Iterator[Callable[[str], dict[str, str]]]:
    """``new_portal(label)``: the environment of a portal with a new, empty database (of the
    same kind as the suite's) and a new media folder that does not exist yet."""
    params = connection.settings_dict
    made: list[str] = []
    admin = None
    if connection.vendor == "postgresql":
        admin = psycopg.connect(
            dbname="postgres",
            host=params["HOST"],
            port=params["PORT"] or 5432,
            user=params["USER"],
            password=params["PASSWORD"] or None,
            autocommit=True,
        )

    def make(label: str) -> dict[str, str]:
        env = {
            **real_clock_env(),
            "DJANGO_SETTINGS_MODULE": "dojo_portal.settings.test",
            "MEDIA_ROOT": str(tmp_path / f"{label}-media"),
        }
        if admin is None:
            return {**env, "DATABASE_URL": f"sqlite:///{tmp_path / label}.sqlite3"}
        name = f"{str(params['NAME']).removeprefix('test_')}_{label}_{os.getpid()}"
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        url = f"postgresql://{params['USER']}@{params['HOST']}:{params['PORT'] or 5432}/{name}"
        return {**env, "DATABASE_URL": url, "DATABASE_PASSWORD": str(params["PASSWORD"] or "")}

    try:
        yield make
    finally:
        if admin is not None:
            for name in made:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()


@pytest.fixture
def new_target(new_portal: Callable[[str], dict[str, str]]) -> dict[str, str]:
    return new_portal("restored")


SEED = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("seed_demo", verbosity=0)
"""


def run(
    env: dict[str, str], *args: str, script: str | None = None
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", script] if script else [sys.executable, "manage.py", *args]
    return subprocess.run(
        command,
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_demo_school_comes_back_whole_in_a_new_database_and_media_folder(
    tmp_path: Path, new_portal: Callable[[str], dict[str, str]]
) -> None:
    """Seeded, backed up and restored by the commands, each in a process of its own, as on a
    server: the suite's own database plays no part."""
    source, target = new_portal("seeded"), new_portal("restored")
    seeded = run(source, script=SEED)
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    before_files, before_rows = checksums(Path(source["MEDIA_ROOT"])), counts(source)
    assert len(before_files) > 50 and before_rows["stories_post"] > 100

    backed_up = run(source, "backup", "--to", str(tmp_path / "backups"))
    assert backed_up.returncode == 0, backed_up.stderr[-3000:]
    archive = Path(backed_up.stdout.strip().splitlines()[-1])
    sums = archive.with_name(archive.name + ".sha256").read_text()
    assert sums == f"{hashlib.sha256(archive.read_bytes()).hexdigest()}  {archive.name}\n"

    restored = run(target, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr[-3000:]
    assert f"{len(before_files)} media files" in restored.stdout

    assert counts(target) == before_rows
    assert checksums(Path(target["MEDIA_ROOT"])) == before_files
    # And the new copy is now a database with tables: a second restore is refused.
    again = run(target, "restore", str(archive))
    assert again.returncode != 0
    assert "restore goes into an empty database" in again.stderr


def counts(env: dict[str, str]) -> dict[str, int]:
    counted = run(env, script=COUNTS)
    assert counted.returncode == 0, counted.stderr[-3000:]
    return dict(json.loads(counted.stdout.strip().splitlines()[-1]))


# Bad input ---------------------------------------------------------------------------------


@pytest.fixture
def small_backup(tmp_path: Path) -> Path:
    media = Path(settings.MEDIA_ROOT)
    (media / "stories").mkdir(parents=True, exist_ok=True)
    (media / "stories" / "photo.jpg").write_bytes(b"\xff\xd8 a photo" * 100)
    (media / "exports").mkdir(exist_ok=True)
    (media / "exports" / "family.zip").write_bytes(b"PK an export")
    return backup_write(tmp_path / "backups")


def rewritten(archive: Path, change: Any) -> Path:
    """A copy of ``archive`` with its members passed through ``change(name, data)``, which
    returns the (name, data) pairs to write instead."""
    copy = archive.with_name("altered.tar")
    with tarfile.open(archive) as source, tarfile.open(copy, "w") as target:
        for member in source:
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            for name, content in change(member.name, data):
                info = tarfile.TarInfo(name)
                info.size = len(content)
                target.addfile(info, io.BytesIO(content))
    return copy


def flip_a_byte(name: str, data: bytes) -> list[tuple[str, bytes]]:
    if name == "media/stories/photo.jpg":
        data = data[:10] + bytes([data[10] ^ 1]) + data[11:]
    return [(name, data)]


def escape_the_folder(name: str, data: bytes) -> list[tuple[str, bytes]]:
    if name == MANIFEST:
        manifest = json.loads(data)
        digest = manifest["files"].pop("media/exports/family.zip")
        manifest["files"]["media/../../outside.zip"] = digest
        data = json.dumps(manifest).encode()
    if name == "media/exports/family.zip":
        name = "media/../../outside.zip"
    return [(name, data)]


def add_a_stranger(name: str, data: bytes) -> list[tuple[str, bytes]]:
    return [(name, data), *([("media/extra.jpg", b"x")] if name == MANIFEST else [])]


def drop_the_manifest(name: str, data: bytes) -> list[tuple[str, bytes]]:
    return [] if name == MANIFEST else [(name, data)]


def drop_a_photo(name: str, data: bytes) -> list[tuple[str, bytes]]:
    return [] if name == "media/stories/photo.jpg" else [(name, data)]


def truncated(archive: Path) -> Path:
    copy = archive.with_name("truncated.tar")
    copy.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    return copy


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (truncated, "it is cut short or is not a tar archive"),
        (
            lambda a: rewritten(a, flip_a_byte),
            "media/stories/photo.jpg does not match its checksum",
        ),
        (
            lambda a: rewritten(a, escape_the_folder),
            "media/../../outside.zip would be written outside the media folder",
        ),
        (lambda a: rewritten(a, add_a_stranger), "media/extra.jpg is not in its manifest"),
        (lambda a: rewritten(a, drop_the_manifest), "it has no manifest.json"),
        (lambda a: rewritten(a, drop_a_photo), "1 files missing, media/stories/photo.jpg first"),
    ],
    ids=["truncated", "altered", "escaping", "stranger", "no-manifest", "missing"],
)
def test_a_damaged_archive_is_refused_and_nothing_changes(
    small_backup: Path, tmp_path: Path, damage: Any, reason: str
) -> None:
    damaged = damage(small_backup)
    media = Path(settings.MEDIA_ROOT)
    files, rows = checksums(media), row_counts()

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(damaged), force=True, stdout=io.StringIO())

    assert str(refused.value) == (
        f"{damaged} is not a whole portal backup ({reason}). Nothing was changed. Use another "
        "backup, or check the copy of this one against its .sha256 file (sha256sum -c)."
    )
    assert checksums(media) == files and row_counts() == rows
    assert not (tmp_path.parent / "outside.zip").exists()
    assert not list(media.parent.glob(".restore-*"))


def test_check_reads_a_whole_archive_and_changes_nothing(small_backup: Path) -> None:
    out = io.StringIO()
    call_command("restore", str(small_backup), check=True, stdout=out)

    assert out.getvalue().startswith(f"{small_backup} is whole: a {connection.vendor} database")
    assert "and 2 media files, made " in out.getvalue()
    assert backup_check(small_backup).vendor == connection.vendor


def test_restore_refuses_a_database_that_has_tables(small_backup: Path) -> None:
    tables = len(connection.introspection.table_names())

    with pytest.raises(BackupError) as refused:
        backup_restore(small_backup)

    assert str(refused.value) == DATABASE_NOT_EMPTY.format(count=tables)


def test_restore_refuses_a_media_folder_that_has_files(
    small_backup: Path, new_target: dict[str, str]
) -> None:
    folder = Path(new_target["MEDIA_ROOT"])
    folder.mkdir()
    (folder / "kept.jpg").write_bytes(b"kept")

    refused = run(new_target, "restore", str(small_backup))

    assert refused.returncode != 0
    assert MEDIA_NOT_EMPTY.format(folder=folder) in refused.stderr
    assert checksums(folder) == {"kept.jpg": hashlib.sha256(b"kept").hexdigest()}
    counted = run(new_target, script=COUNTS)
    assert json.loads(counted.stdout.strip().splitlines()[-1]) == {}  # the database untouched


def test_restore_keeps_the_media_folder_with_its_mode_and_replaces_what_it_holds(
    small_backup: Path, new_target: dict[str, str]
) -> None:
    """On Debian the media folder is the web server's group's to read and nobody else's
    (README.md, "Without Docker"): a restore must not put a folder of another mode there."""
    folder = Path(new_target["MEDIA_ROOT"])
    folder.mkdir()
    folder.chmod(0o2750)
    before = folder.stat()

    restored = run(new_target, "restore", str(small_backup))

    assert restored.returncode == 0, restored.stderr
    after = folder.stat()
    assert (after.st_ino, after.st_gid) == (before.st_ino, before.st_gid)
    assert stat.S_IMODE(after.st_mode) == 0o2750
    assert sorted(path.name for path in folder.iterdir()) == ["exports", "stories"]
    assert checksums(folder) == checksums(Path(settings.MEDIA_ROOT))


def test_keep_deletes_all_but_the_newest_backups(tmp_path: Path) -> None:
    folder = tmp_path / "nightly"
    for _night in range(3):
        call_command("backup", to=folder, keep=2, stdout=io.StringIO())

    archives = sorted(folder.glob("dojo-backup-*.tar"))
    assert len(archives) == 2
    assert sorted(folder.glob("*.sha256")) == [a.with_name(a.name + ".sha256") for a in archives]
    assert not list(folder.glob(".*"))  # no partial archive left behind
