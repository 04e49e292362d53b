from django.urls import include, path

from .views import data_processing, roster, scans

urlpatterns = [
    path("roster/", include(roster.urlpatterns)),
    path("data-processing/", include(data_processing.urlpatterns)),
    path("scans/", include(scans.urlpatterns)),
]
