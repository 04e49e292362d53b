from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and accounts")

    def ready(self) -> None:
        from . import (
            receivers,  # noqa: F401  (drops the cached code of conduct when it changes)
            today,
        )

        today.register()
