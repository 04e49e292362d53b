from django.urls import include, path

from .views import award, monster, reports

urlpatterns = [
    path("", include(award.urlpatterns)),
    path("", include(reports.urlpatterns)),
    path("", include(monster.urlpatterns)),
]
