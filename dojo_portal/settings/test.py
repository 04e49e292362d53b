"""The suite's settings: the embedded settings, each test process in folders of its own.

pytest reads this module (pyproject.toml). Each test process, the serial run's one or each of
pytest-xdist's workers (``PYTEST_XDIST_WORKER``: gw0, gw1, …), gets its own ``var/`` folder
under one temporary folder of the run, and with it its own SQLite files, file cache, media,
secret key and filesystem broker; and its own cache key prefix, so that workers sharing one
Redis never read or clear each other's keys. PostgreSQL's test databases are per worker already
(pytest-django adds the worker's name). Nothing touches a developer's own ``var/``.

The environment is set before the settings are read, so the programs a test starts (a worker, a
command, a second Python) inherit the same folder and prefix, unless the test gives them their
own ``DOJO_VAR_DIR``.

``DATABASE_URL`` and ``REDIS_URL`` choose PostgreSQL and Redis as everywhere (base.py). With
``DJANGO_DEBUG=false`` (the benchmarks' production runs) the production settings apply on top.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Whose folders these are: "main" for a run without workers.
_PROCESS = os.environ.get("PYTEST_XDIST_WORKER", "main")
if os.environ.get("DOJO_TEST_PROCESS") != _PROCESS:
    # A test process (not a program one of its tests started, which inherits the marker): the
    # run's folder is made by the first process (xdist's controller) and inherited by workers.
    if not os.environ.get("DOJO_TEST_RUN_DIR"):
        os.environ["DOJO_TEST_RUN_DIR"] = tempfile.mkdtemp(prefix="dojo-test-")
    _RUN_DIR = Path(os.environ["DOJO_TEST_RUN_DIR"])
    os.environ["DOJO_TEST_PROCESS"] = _PROCESS
    os.environ["DOJO_VAR_DIR"] = str(_RUN_DIR / _PROCESS)
    os.environ["CACHE_KEY_PREFIX"] = f"test-{_RUN_DIR.name}-{_PROCESS}"
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# No translation unless a test asks for it (R17): a machine with Apertium gives the same pages.
os.environ.setdefault("TRANSLATION_BACKEND", "off")

from .embedded import *  # noqa: E402, F403
from .embedded import DATABASES, DEBUG  # noqa: E402

if not DEBUG:
    from .production import *  # noqa: F403

# On PostgreSQL, a commit need not wait for its write-ahead log to reach the disk: the test
# database is thrown away, and transactional tests commit (and empty every table) a lot.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"

# Fast password hashing: tests create many accounts; production keeps Django's default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
