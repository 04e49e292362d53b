from django.urls import include, path

from . import views, views_moderation, views_office, views_overdue, views_photos

urlpatterns = [
    path("", include(views.urlpatterns)),
    path("", include(views_moderation.urlpatterns)),
    path("", include(views_office.urlpatterns)),
    path("", include(views_overdue.urlpatterns)),
    path("", include(views_photos.urlpatterns)),
]
