from django.urls import include, path

from .views import compose, feed, media, reminders

urlpatterns = [
    path("", include(feed.urlpatterns)),
    path("", include(compose.urlpatterns)),
    path("", include(media.urlpatterns)),
    path("", include(reminders.urlpatterns)),
]
