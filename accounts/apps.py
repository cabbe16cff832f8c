from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Connect the signal receivers: the cache's invalidation, and a password change ending the
        # login's sessions and tokens (`accounts.sessions`).
        from . import cache, sessions  # noqa: F401
