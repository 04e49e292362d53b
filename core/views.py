"""The portal's own infrastructure pages: the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .health import health_report

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
