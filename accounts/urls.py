from django.urls import include, path

from .views import conduct, home, join, pupil

urlpatterns = [
    path("", home.home, name="home"),
    path("office/two-factor/", home.admin_needs_mfa, name="admin_needs_mfa"),
    path("conduct/", conduct.conduct, name="conduct"),
    path("join/", include(join.urlpatterns)),
    path("pupil/", include(pupil.urlpatterns)),
]
