from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from . import (
            pupil_lock,  # noqa: F401  (connects to the accounts app's events)
            receivers,  # noqa: F401  (tells of the accounts app's sign-in event)
        )
