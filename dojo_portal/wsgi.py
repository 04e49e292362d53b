"""The WSGI application (gunicorn). At start it logs, as an error, what would make every page
answer 500: static files not collected under the production settings (``core.checks``)."""

import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dojo_portal.settings")
application = get_wsgi_application()


def _say_what_is_missing() -> None:
    from core.checks import STATIC_HINT, static_manifest_missing

    problem = static_manifest_missing()
    if problem:
        logging.getLogger("dojo_portal").error("%s %s", problem, STATIC_HINT)


_say_what_is_missing()
