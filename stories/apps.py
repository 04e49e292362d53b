from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoriesConfig(AppConfig):
    name = "stories"
    verbose_name = _("Stories")

    def ready(self) -> None:
        from notifications.excerpts import register
        from notifications.models import Kind

        from . import (
            home,  # the news on a parent's home
            receivers,  # noqa: F401  (connects to the consent app's event, R13)
        )
        from .notification_excerpts import post_excerpts

        home.register()
        register(Kind.NEW_POST, post_excerpts)
