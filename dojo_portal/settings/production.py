"""The settings of a school's server (docker-compose.yml and the Dockerfile choose them).

PostgreSQL and Redis come from ``DATABASE_URL`` and ``REDIS_URL`` as in every configuration
(base.py). What this module adds: a secret key that must be given, hashed and compressed static
files collected by ``collectstatic``, cookies over HTTPS only, HSTS, and HTTP redirected to
HTTPS (``/healthz`` excepted, for the container's health check).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import STORAGES, env, env_bool

if not env("SECRET_KEY"):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set: the production settings never make one up "
        "(docs/configuration.md)."
    )

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Off unless the school asks: a preloaded domain stays HTTPS-only in browsers for months after
# it is taken off the list, whatever the header says later.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # The deploy check's nudge to preload (W021) is a choice the school makes, not a fault.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
