"""The portal's own infrastructure pages: the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from .cache import cache_state
from .heartbeat import last_heartbeat
from .queue import broker_state


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer: 200 whenever the web process answers, with the state of the cache
    and the broker (which the web process does without) and when a worker last ran its
    heartbeat."""
    cache = cache_state()
    broker = broker_state()
    beat = last_heartbeat()
    worker = f"{(timezone.now() - beat).total_seconds():.0f}s ago" if beat else "not seen yet"
    return HttpResponse(
        f"ok\ncache: {cache}\nbroker: {broker}\nworker heartbeat: {worker}\n",
        content_type="text/plain",
    )
