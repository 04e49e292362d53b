from django.urls import path

from .views import data_processing, roster, scans

urlpatterns = [
    path("roster/", roster.roster_index, name="consent_roster"),
    path("roster/<int:class_id>/", roster.roster_class, name="consent_roster_class"),
    path("roster/print/", roster.roster_print_all, name="consent_roster_print_all"),
    path("data-processing/", data_processing.dp_consent, name="dp_consent"),
    path("scans/<int:change_id>/", scans.scan, name="consent_scan"),
]
