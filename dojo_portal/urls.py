from django.contrib import admin
from django.urls import include, path

from accounts.admin.site import secure_admin

secure_admin(admin.site)


urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("core.urls")),
    path("", include("pwa.urls")),
    path("consent/", include("consent.urls")),
    path("points/", include("points.urls")),
    path("stories/", include("stories.urls")),
    path("events/", include("events.urls")),
    path("messages/", include("messaging.urls")),
    path("notifications/", include("notifications.urls")),
    path("privacy/", include("privacy.urls")),
    path("", include("accounts.urls")),
]
