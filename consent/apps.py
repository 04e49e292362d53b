from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Consent")

    def ready(self) -> None:
        from . import (
            receivers,  # noqa: F401  (drops the data-processing gate's cached answers)
            today,  # what waits for the office, on the admin's index
        )

        today.register()
