"""Backups of the portal as one archive: the database and the media folder, with a manifest.

``backup_write(folder)`` writes ``dojo-backup-<time>.tar`` and ``….tar.sha256`` beside it (the
archive's own checksum, for ``sha256sum -c``). The archive holds:

- ``database.pgdump``: ``pg_dump --format=custom`` of the database (PostgreSQL), a consistent
  snapshot however busy the portal is; or ``database.sqlite3``: a copy made with SQLite's
  backup API (consistent too) on the embedded default;
- ``media/…``: every file of ``MEDIA_ROOT``, copied after the database, so every file the
  database names is there (a photo uploaded meanwhile may be too, unnamed: harmless);
- ``manifest.json``: the archive's format, when it was made, the database's vendor, and the
  SHA-256 of every other member.

``backup_restore(archive)`` puts one back into an empty database and an empty media folder (a
school's new server, or the same one after a disaster). It checks the whole archive first:
every member named by the manifest and with its checksum, nothing else, no path that leaves
the media folder. A damaged, truncated or altered archive is refused before anything is
changed. It refuses a database with tables or a media folder with files unless ``force`` is
given; the database is restored in one transaction, and the media files are written into a
hidden folder inside the media folder and moved into place only when the database is back.
The media folder itself stays, with its owner, group and mode.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from .heartbeat import backup_record
from .statistics import analyze

logger = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DUMPS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024

DAMAGED = (
    "{archive} is not a whole portal backup ({reason}). Nothing was changed. Use another backup, "
    "or check the copy of this one against its .sha256 file (sha256sum -c)."
)
DATABASE_NOT_EMPTY = (
    "The database already has {count} tables: restore goes into an empty database. Nothing was "
    "changed. Create a new database, or give --force to replace what the backup holds."
)
MEDIA_NOT_EMPTY = (
    "The media folder {folder} already holds files: restore goes into an empty one. Nothing was "
    "changed. Empty it, or give --force to replace it."
)
OTHER_VENDOR = (
    "This backup is of a {archived} database and the portal's database is {current}: restore it "
    "into the kind of database it came from. Nothing was changed."
)
UNSUPPORTED_VENDOR = "Backups cover PostgreSQL and SQLite databases, not {vendor}."


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, and what to do."""


@dataclass(frozen=True)
class Manifest:
    created: str
    vendor: str
    files: dict[str, str]  # member name -> SHA-256

    def as_json(self) -> bytes:
        data = {"format": FORMAT, "created": self.created, "database": self.vendor}
        return json.dumps({**data, "files": self.files}, indent=2, sort_keys=True).encode()


@dataclass(frozen=True)
class Restored:
    vendor: str
    media_files: int


# Writing -----------------------------------------------------------------------------------


def backup_write(folder: Path, *, alias: str = DEFAULT_DB_ALIAS) -> Path:
    """Write a backup archive of the database and the media folder into ``folder``; returns its
    path. Written to a temporary name and renamed when whole, so a backup that fails (a full
    disk) never leaves a file that looks like a backup."""
    vendor = _vendor(alias)
    folder.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    archive = folder / f"dojo-backup-{now:%Y%m%d-%H%M%S}.tar"
    for second in range(2, 100):  # two backups within a second (a script): never overwrite
        if not archive.exists():
            break
        archive = folder / f"dojo-backup-{now:%Y%m%d-%H%M%S}-{second:02}.tar"
    partial = archive.with_name(f".{archive.name}.partial")
    files: dict[str, str] = {}
    try:
        with tempfile.TemporaryDirectory(dir=folder) as work, tarfile.open(partial, "w") as tar:
            dump = Path(work) / DUMPS[vendor]
            _dump_database(alias, vendor, dump)
            files[DUMPS[vendor]] = _add(tar, DUMPS[vendor], dump)
            for path in _media_files():
                name = MEDIA_PREFIX + path.relative_to(settings.MEDIA_ROOT).as_posix()
                files[name] = _add(tar, name, path)
            manifest = Manifest(now.isoformat(), vendor, files).as_json()
            _add_bytes(tar, MANIFEST, manifest)
        partial.replace(archive)
    finally:
        partial.unlink(missing_ok=True)
    digest = _sha256_file(archive)
    archive.with_name(archive.name + ".sha256").write_text(f"{digest}  {archive.name}\n")
    try:
        backup_record(at=now)  # for /metrics: the backup is written whatever the cache says
    except Exception:
        logger.exception("could not record the backup's time")
    return archive


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in DUMPS:
        raise BackupError(UNSUPPORTED_VENDOR.format(vendor=vendor))
    return vendor


def _dump_database(alias: str, vendor: str, target: Path) -> None:
    if vendor == "sqlite":
        connection = connections[alias]
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return
    command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"]
    _run([*command, *_pg_connection_args(alias)], alias)


def _media_files() -> Iterator[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for folder, _dirs, names in sorted(os.walk(root)):
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path


def _add(tar: tarfile.TarFile, name: str, path: Path) -> str:
    """Add ``path`` as ``name``, hashing the very bytes written (a file that changes while it
    is copied gets the checksum of what the archive holds)."""
    with path.open("rb") as source:
        hashing = _HashingReader(source)
        info = tarfile.TarInfo(name)
        info.size = os.fstat(source.fileno()).st_size
        info.mtime = int(path.stat().st_mtime)
        info.mode = 0o600
        tar.addfile(info, hashing)
    return hashing.hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


class _HashingReader(io.RawIOBase):
    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.sha = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.sha.update(data)
        return data

    def hexdigest(self) -> str:
        return self.sha.hexdigest()


def backup_prune(folder: Path, *, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups (and their .sha256 files) in ``folder``;
    returns the archives deleted. Their names sort by the time they were made."""
    archives = sorted(folder.glob("dojo-backup-*.tar"))
    old = archives[: max(0, len(archives) - keep)]
    for archive in old:
        archive.unlink()
        archive.with_name(archive.name + ".sha256").unlink(missing_ok=True)
    return old


# Checking ----------------------------------------------------------------------------------


def backup_check(archive: Path) -> Manifest:
    """The archive's manifest, once every member has been read and found as the manifest says;
    ``BackupError`` naming what is wrong otherwise."""
    try:
        with tarfile.open(archive, "r:") as tar:
            manifest = _read_manifest(tar)
            seen: set[str] = set()
            for member in tar:
                if member.name == MANIFEST:
                    continue
                _check_member(member, manifest, seen)
                digest = _sha256_stream(_extract(tar, member))
                if digest != manifest.files[member.name]:
                    raise BackupError(f"{member.name} does not match its checksum")
                seen.add(member.name)
    except (OSError, EOFError, tarfile.TarError, ValueError, KeyError, TypeError) as error:
        raise BackupError(_damaged(archive, _reason(error))) from error
    except BackupError as error:
        raise BackupError(_damaged(archive, str(error))) from error
    missing = sorted(set(manifest.files) - seen)
    if missing:
        raise BackupError(_damaged(archive, f"{len(missing)} files missing, {missing[0]} first"))
    return manifest


def _read_manifest(tar: tarfile.TarFile) -> Manifest:
    try:
        member = tar.getmember(MANIFEST)
    except KeyError as error:
        raise BackupError("it has no manifest.json") from error
    data = json.loads(_extract(tar, member).read())
    if data.get("format") != FORMAT or data.get("database") not in DUMPS:
        raise BackupError(f"its manifest is not of format {FORMAT}")
    files = {str(name): str(digest) for name, digest in dict(data["files"]).items()}
    if DUMPS[data["database"]] not in files:
        raise BackupError("it holds no database")
    return Manifest(str(data["created"]), str(data["database"]), files)


def _check_member(member: tarfile.TarInfo, manifest: Manifest, seen: set[str]) -> None:
    name = member.name
    if name not in manifest.files or name in seen:
        raise BackupError(f"{name} is not in its manifest")
    if not member.isreg():
        raise BackupError(f"{name} is not a plain file")
    parts = PurePosixPath(name).parts
    if name.startswith("/") or ".." in parts or "\\" in name:
        raise BackupError(f"{name} would be written outside the media folder")
    if name not in DUMPS.values() and not name.startswith(MEDIA_PREFIX):
        raise BackupError(f"{name} is neither the database nor a media file")


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    stream = tar.extractfile(member)
    if stream is None:
        raise BackupError(f"{member.name} cannot be read")
    return stream


def _reason(error: BaseException) -> str:
    if isinstance(error, (EOFError, tarfile.ReadError)):
        return "it is cut short or is not a tar archive"
    if isinstance(error, (ValueError, KeyError, TypeError)):
        return "its manifest cannot be read"
    return f"{type(error).__name__}: {error}"


def _damaged(archive: Path, reason: str) -> str:
    return DAMAGED.format(archive=archive, reason=reason)


# Restoring ---------------------------------------------------------------------------------


def backup_restore(
    archive: Path, *, force: bool = False, alias: str = DEFAULT_DB_ALIAS
) -> Restored:
    """Restore ``archive`` into this portal's database and media folder (see the module's
    docstring for what is checked first). Returns what was restored."""
    manifest = backup_check(archive)
    vendor = _vendor(alias)
    if manifest.vendor != vendor:
        raise BackupError(OTHER_VENDOR.format(archived=manifest.vendor, current=vendor))
    media_root = Path(settings.MEDIA_ROOT)
    if not force:
        _refuse_unless_empty(alias, media_root)
    # The media folder itself is kept, with the owner, group and mode the server gave it (on
    # Debian the web server's group reads it, nobody else); only what is inside is replaced.
    media_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media_root, prefix=".restore-") as work:
        staged = Path(work) / "media"
        dump = Path(work) / DUMPS[vendor]
        count = _unpack(archive, manifest, staged, dump)
        _restore_database(alias, vendor, dump, clean=force)
        _swap_in(staged, media_root, Path(work))
    return Restored(vendor, count)


def _refuse_unless_empty(alias: str, media_root: Path) -> None:
    tables = connections[alias].introspection.table_names()
    if tables:
        raise BackupError(DATABASE_NOT_EMPTY.format(count=len(tables)))
    if media_root.is_dir() and any(path.is_file() for path in media_root.rglob("*")):
        raise BackupError(MEDIA_NOT_EMPTY.format(folder=media_root))


def _unpack(archive: Path, manifest: Manifest, staged: Path, dump: Path) -> int:
    """Write the archive's files out beside the real folder, checking each again as it is
    written (the archive could have changed since it was checked)."""
    staged.mkdir()
    count = 0
    with tarfile.open(archive, "r:") as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            media = member.name.startswith(MEDIA_PREFIX)
            target = staged / member.name.removeprefix(MEDIA_PREFIX) if media else dump
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as out:
                digest = _copy_hashing(_extract(tar, member), out)
            if digest != manifest.files[member.name]:
                raise BackupError(_damaged(archive, f"{member.name} changed while restoring"))
            count += media
    return count


def _restore_database(alias: str, vendor: str, dump: Path, *, clean: bool) -> None:
    connection = connections[alias]
    if vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(dump) as source:
            source.backup(connection.connection)
        source.close()
        connection.close()
        return
    command = [
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        # Over a database that has tables (--force): what the backup holds is dropped first.
        *(["--clean", "--if-exists"] if clean else []),
    ]
    connection.close()
    _run([*command, *_pg_connection_args(alias, flag="--dbname"), str(dump)], alias)
    analyze(None, using=alias)  # a dump holds no planner statistics


def _swap_in(staged: Path, media_root: Path, work: Path) -> None:
    """Move what ``media_root`` holds into ``work`` (deleted with it) and the staged files in:
    renames within one folder, so nothing is copied twice."""
    replaced = work / "replaced"
    replaced.mkdir()
    for entry in media_root.iterdir():
        if entry != work:
            entry.rename(replaced / entry.name)
    if staged.is_dir():
        for entry in staged.iterdir():
            entry.rename(media_root / entry.name)


# PostgreSQL's tools ------------------------------------------------------------------------


def _pg_connection_args(alias: str, flag: str = "--dbname") -> list[str]:
    """The database to connect to, as a connection string (the password goes in the
    environment, never on a command line that ``ps`` shows)."""
    params = connections[alias].settings_dict
    parts = {"dbname": params["NAME"], "host": params.get("HOST"), "port": params.get("PORT")}
    parts["user"] = params.get("USER")
    conninfo = " ".join(f"{key}={_quote(str(value))}" for key, value in parts.items() if value)
    return [f"{flag}={conninfo}"]


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _run(command: list[str], alias: str) -> None:
    env = {**os.environ}
    password = connections[alias].settings_dict.get("PASSWORD")
    if password:
        env["PGPASSWORD"] = str(password)
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as error:
        raise BackupError(
            f"{command[0]} is not installed: it comes with PostgreSQL's client tools "
            "(Debian: apt-get install postgresql-client)."
        ) from error
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


# Checksums ---------------------------------------------------------------------------------


def _sha256_stream(stream: IO[bytes]) -> str:
    sha = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        sha.update(chunk)
    return sha.hexdigest()


def _sha256_file(path: Path) -> str:
    with path.open("rb") as stream:
        return _sha256_stream(stream)


def _copy_hashing(stream: IO[bytes], out: IO[bytes]) -> str:
    sha = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        sha.update(chunk)
        out.write(chunk)
    return sha.hexdigest()


__all__ = [
    "BackupError",
    "Manifest",
    "Restored",
    "backup_check",
    "backup_prune",
    "backup_restore",
    "backup_write",
]
