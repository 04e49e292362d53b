"""Uploaded CSV files kept between the preview and the apply, outside MEDIA_ROOT.

A file is stored under ``VAR_DIR/imports`` with a random name (the token), readable by the
server's user only, and kept for a day at most. Whoever holds the token still gets the bytes
only when they hash to the SHA-256 the preview recorded (kept in the uploader's session), so the
apply re-checks exactly what the office saw: nothing the browser sends is trusted.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings

KEEP_FOR = timedelta(days=1)
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _path(token: str) -> Path | None:
    return _folder() / f"{token}.csv" if TOKEN.fullmatch(token) else None


def upload_store(data: bytes) -> str:
    """Keep ``data`` under a new random name; returns the token that names it."""
    token = secrets.token_urlsafe(24)
    path = _path(token)
    assert path is not None  # token_urlsafe(24) is 32 URL-safe characters
    path.touch(mode=0o600)
    path.write_bytes(data)
    # Its age is read against time.time(): stamp it on that clock, not the file system's.
    stored_at = time.time()
    os.utime(path, (stored_at, stored_at))
    return token


def upload_read(token: str, sha256: str) -> bytes | None:
    """The stored bytes, or None when missing, older than ``KEEP_FOR``, or not ``sha256``."""
    path = _path(token)
    if path is None or not path.is_file():
        return None
    if time.time() - path.stat().st_mtime > KEEP_FOR.total_seconds():
        path.unlink(missing_ok=True)
        return None
    data = path.read_bytes()
    return data if hashlib.sha256(data).hexdigest() == sha256 else None


def upload_delete(token: str) -> None:
    """Forget a stored file (after it is applied); nothing happens when it is gone already."""
    path = _path(token)
    if path is not None:
        path.unlink(missing_ok=True)


def uploads_sweep() -> int:
    """Delete stored files older than ``KEEP_FOR``; returns how many. Idempotent."""
    oldest = time.time() - KEEP_FOR.total_seconds()
    removed = 0
    for path in _folder().glob("*.csv"):
        if path.stat().st_mtime < oldest:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
