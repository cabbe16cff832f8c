from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Jobs and imports")

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from .lockouts import lockout_audit

        user_locked_out.connect(lockout_audit, dispatch_uid="core.lockout_audit")
