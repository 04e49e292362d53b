"""The portal's settings, one module per purpose (docs/configuration.md):

- ``dojo_portal.settings.embedded``: one machine, nothing to install (SQLite, file cache,
  filesystem broker unless ``DATABASE_URL`` and ``REDIS_URL`` are set);
- ``dojo_portal.settings.production``: a school's server behind HTTPS (docker-compose.yml);
- ``dojo_portal.settings.test``: the suite (pytest reads it).

``DJANGO_SETTINGS_MODULE=dojo_portal.settings``, the one name there was before, and what
manage.py, WSGI, ASGI and Celery use when nothing is set, chooses between the first two as the
single settings module did: production when ``DJANGO_DEBUG`` is false, or when it is unset and
``DATABASE_URL`` is set (a school's server that names only this package keeps its HTTPS
settings and its required key); embedded otherwise. Debug mode is on only when asked for.
"""

from __future__ import annotations

import os

from .environment import env, env_bool

if os.environ.get("DJANGO_SETTINGS_MODULE") == __name__:
    # As before the split: debug mode (here only whether to choose the embedded settings) was
    # on unless DATABASE_URL was set, and off meant the HTTPS settings and a required key.
    if env_bool("DJANGO_DEBUG", default=not env("DATABASE_URL")):
        from .embedded import *  # noqa: F403
    else:
        from .production import *  # noqa: F403
