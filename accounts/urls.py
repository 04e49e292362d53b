from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.i18n import set_language

from .views import account, conduct, home, join, pupil, tablet

urlpatterns = [
    path("", home.home, name="home"),
    path("office/two-factor/", home.admin_needs_mfa, name="admin_needs_mfa"),
    path("conduct/", conduct.conduct, name="conduct"),
    path("account/", account.account_settings, name="account_settings"),
    # The language switcher of the pages for people not signed in (R32): Django's own view,
    # which keeps the choice in the language cookie and ignores a language the portal lacks.
    path("language/", login_not_required(set_language), name="set_language"),
    path("join/", join.join, name="join"),
    path("join/done/", join.join_done, name="join_done"),
    path("pupil/", pupil.start, name="pupil_start"),
    path("pupil/c/<str:class_code>/", pupil.class_names, name="pupil_class"),
    path("pupil/c/<str:class_code>/<int:pupil_id>/", pupil.picture_code, name="pupil_code"),
    path("pupil/class/<int:class_id>/qr/", pupil.class_qr, name="pupil_class_qr"),
    path("pupil/unlock/<int:pupil_id>/", pupil.unlock, name="pupil_unlock"),
    path("pupil/class/<int:class_id>/tablets/", tablet.tablets_page, name="pupil_class_tablets"),
    path(
        "pupil/class/<int:class_id>/tablets/set-up/",
        tablet.tablet_set_up_view,
        name="pupil_tablet_set_up",
    ),
    path(
        "pupil/tablets/<int:tablet_id>/forget/",
        tablet.tablet_forget_view,
        name="pupil_tablet_forget",
    ),
    path("pupil/tablet/<int:pupil_id>/", tablet.tablet_code, name="pupil_tablet_code"),
]
