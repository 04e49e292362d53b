from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassesConfig(AppConfig):
    name = "classes"
    verbose_name = _("School and classes")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (drops the cached school when it changes)
