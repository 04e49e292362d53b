from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoriesConfig(AppConfig):
    name = "stories"
    verbose_name = _("Stories")

    def ready(self) -> None:
        from . import (
            home,  # the news on a parent's home
            receivers,  # noqa: F401  (connects to the consent app's event, R13)
        )

        home.register()
