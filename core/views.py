"""The portal's own infrastructure pages: the health check and the metrics."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .health import health_report
from .metrics import CONTENT_TYPE, exposition

STRICT_WORDS = frozenset({"1", "true", "yes", "on"})


@login_not_required
@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For container probes, load balancers and monitoring: every part's state as JSON
    (``core.health``). 503 when this process cannot serve pages (the database does not answer);
    with ``?strict=1``, 503 as soon as any part is down (what monitoring alerts on)."""
    report = health_report()
    strict = request.GET.get("strict", "").strip().lower() in STRICT_WORDS
    failing = report.status == "down" or (report.status == "degraded" and strict)
    return JsonResponse(report.as_json(), status=503 if failing else 200)


@login_not_required
@require_safe
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """For Prometheus (``core.metrics``): answered to ``Authorization: Bearer <METRICS_TOKEN>``
    only; 401 to anyone else, and 404 while no token is set (metrics off). nginx does not pass
    ``/metrics`` on from outside (deploy/nginx.conf), so only the internal network reaches it."""
    token = str(settings.METRICS_TOKEN)
    if not token:
        return HttpResponseNotFound()
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return HttpResponse(status=401, headers={"WWW-Authenticate": "Bearer"})
    return HttpResponse(exposition(), content_type=CONTENT_TYPE)
