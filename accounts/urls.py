from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from .views import account, conduct, home, join, pupil

urlpatterns = [
    path("", home.home, name="home"),
    path("office/two-factor/", home.admin_needs_mfa, name="admin_needs_mfa"),
    path("conduct/", conduct.conduct, name="conduct"),
    path("account/", account.account_settings, name="account_settings"),
    # The language switcher of the pages for people not signed in (R32): Django's own view,
    # which keeps the choice in the language cookie and ignores a language the portal lacks.
    path("language/", login_not_required(set_language), name="set_language"),
    path("join/", include(join.urlpatterns)),
    path("pupil/", include(pupil.urlpatterns)),
]
