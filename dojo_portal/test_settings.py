"""Settings for the test suite: the real settings, with an isolated var/ folder and cache prefix.

The environment is set before the real settings are read, so no test touches a developer's own
database, media or cache, and subprocesses that tests start inherit the same isolation.
"""

import os
import secrets
import tempfile

os.environ.setdefault("DOJO_VAR_DIR", tempfile.mkdtemp(prefix="dojo-test-"))
os.environ.setdefault("CACHE_KEY_PREFIX", f"test-{secrets.token_hex(4)}")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# No translation unless a test asks for it (R17): a machine with Apertium gives the same pages.
os.environ.setdefault("TRANSLATION_BACKEND", "off")

from .settings import *  # noqa: F403

# On PostgreSQL, a commit need not wait for its write-ahead log to reach the disk: the test
# database is thrown away, and transactional tests commit (and empty every table) a lot.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405

# Fast password hashing: tests create many accounts; production keeps Django's default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
