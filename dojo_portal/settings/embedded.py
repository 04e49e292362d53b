"""The settings a new user runs: one machine, nothing to install, nothing to set.

SQLite, the file cache and Celery's filesystem transport in ``var/`` (base.py chooses them while
``DATABASE_URL`` and ``REDIS_URL`` are unset, and PostgreSQL and Redis when they are set), email
to the console, and the three things a server behind HTTPS would do differently:

- the secret key, unless ``SECRET_KEY`` is set, is made once and kept in ``var/secret_key``;
- cookies go over plain HTTP too (the portal is at ``http://127.0.0.1:8000``);
- static files are served by WhiteNoise from the apps' and ``static/`` folders as they are,
  debug mode or not, so nothing needs collecting first.

Debug mode is off unless ``DJANGO_DEBUG`` asks for it (``make run`` does).
"""

from __future__ import annotations

import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR, env


def kept_secret_key() -> str:
    """The key kept in var/, made on the first start (readable by its owner only)."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env("SECRET_KEY") or kept_secret_key()

# WhiteNoise finds static files where the apps keep them, as under debug mode; without debug
# mode it would serve only what `collectstatic` copied, and every page would lose its style.
WHITENOISE_USE_FINDERS = True

# Pages compressed by Django: nothing in front of it does here (on a school's server nginx does,
# outside the web workers). Below WhiteNoise, which sends its own compressed static files, and
# above everything that writes a page's body; what is never compressed: core/compression.py.
MIDDLEWARE = [*MIDDLEWARE]  # noqa: F405
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "core.compression.PageGZipMiddleware",
)
