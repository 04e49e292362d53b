from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Infrastructure that imports no domain app: enqueue-on-commit, failure-counted rate
    limits, the resilient cache, claims, protected file responses, upload size limits."""

    name = "core"
    label = "core"
    verbose_name = _("Infrastructure")

    def ready(self) -> None:
        from celery.signals import task_failure

        from . import checks  # noqa: F401  (registers the portal's system checks)
        from .metrics import task_failure_record

        def count_failure(sender: object = None, **kwargs: object) -> None:
            task_failure_record(str(getattr(sender, "name", sender)))

        # In the workers: every task that raises is counted for /metrics.
        task_failure.connect(count_failure, weak=False, dispatch_uid="core.count_failure")
