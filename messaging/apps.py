from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Messages")

    def ready(self) -> None:
        from . import (
            home,  # "Message <teacher>" on a parent's home
            receivers,  # noqa: F401  (stops the reply clock of a suspended parent)
            today,  # what waits for the office, on the admin's index
        )

        today.register()
        home.register()
        # No excerpt for a message's notice: a parent's words are not checked for surnames as a
        # post's are, and the notice must name the child by display name only (R6).
