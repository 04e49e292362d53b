"""``/healthz`` for a probe inside the server: asked by the container's own host name or
``localhost`` (``docker compose``'s healthcheck, a systemd timer), it answers whatever
``ALLOWED_HOSTS`` says.

Django answers 400 to a Host header that ``ALLOWED_HOSTS`` does not name, and a school's
``ALLOWED_HOSTS`` names only the public address. This middleware, first of all, answers
``/healthz`` itself for those local names only; every other path, and ``/healthz`` under any
other name, goes through Django's host check as before.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port

from .views import healthz

LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})
HEALTH_PATH = "/healthz"


def local_names() -> frozenset[str]:
    """The names a probe on this machine or in this container uses: loopback and the host's
    own name (a container's name is its id, or its compose service's ``hostname``)."""
    return LOCAL_NAMES | {socket.gethostname().lower()}


class LocalHealthProbeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.names = local_names()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == HEALTH_PATH and self._local(request):
            return healthz(request)
        return self.get_response(request)

    def _local(self, request: HttpRequest) -> bool:
        domain, _port = split_domain_port(request.META.get("HTTP_HOST", ""))
        return domain in self.names
