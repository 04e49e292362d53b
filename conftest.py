"""Test-wide setup: an isolated var/ folder, a fresh cache prefix, tasks run in-process.

Set here, before Django reads its settings, so no test touches a developer's own data.
"""

import os
import secrets
import tempfile

os.environ.setdefault("DOJO_VAR_DIR", tempfile.mkdtemp(prefix="dojo-test-"))
os.environ.setdefault("CACHE_KEY_PREFIX", f"test-{secrets.token_hex(4)}")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
