from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Infrastructure that imports no domain app: enqueue-on-commit, failure-counted rate
    limits, the resilient cache, claims, protected file responses, upload size limits."""

    name = "core"
    label = "core"
    verbose_name = _("Infrastructure")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the portal's system checks)
