"""Every request counted and timed for ``/metrics`` (``core.metrics``), and ``/metrics`` itself.

The middleware comes right after the health probe, before Django's host check: Prometheus asks
by the web container's name on the compose network (``web:8000``), which ``ALLOWED_HOSTS`` does
not name, so ``/metrics`` is answered here, to the bearer of ``METRICS_TOKEN`` only
(``core.views.metrics``). Every other request is timed around the rest of the stack and counted
under its URL pattern's name once Django has resolved it (``static`` for WhiteNoise's files,
``unresolved`` when no pattern matched): never its path, which can hold ids.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from .metrics import request_observe
from .views import metrics

METRICS_PATH = "/metrics"


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase | HttpResponse:
        if request.path_info == METRICS_PATH:
            return metrics(request)
        started = time.perf_counter()
        response = self.get_response(request)
        request_observe(
            view=_view_name(request),
            method=request.method or "",
            status=response.status_code,
            seconds=time.perf_counter() - started,
        )
        return response


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return str(match.view_name or "unnamed")
    if request.path_info.startswith(str(settings.STATIC_URL)):
        return "static"
    return "unresolved"
