from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.admin_site import secure_admin
from dojo_portal.cache import cache_state
from dojo_portal.queue import broker_state
from dojo_portal.tasks import last_heartbeat

secure_admin(admin.site)


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


urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("healthz", healthz, name="healthz"),
    path("", include("dojo_portal.pwa.urls")),
    path("consent/", include("consent.urls")),
    path("points/", include("points.urls")),
    path("stories/", include("stories.urls")),
    path("messages/", include("messaging.urls")),
    path("notifications/", include("dojo_portal.notifications.urls")),
    path("privacy/", include("privacy.urls")),
    path("", include("accounts.urls")),
]
