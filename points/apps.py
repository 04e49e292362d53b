from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    name = "points"
    verbose_name = _("Points and avatars")

    def ready(self) -> None:
        from . import home  # a child's monster and week on a parent's home

        home.register()
