from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Jobs and imports")

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from .audit_words import _register_core
        from .lockouts import lockout_audit

        user_locked_out.connect(lockout_audit, dispatch_uid="core.lockout_audit")
        _register_core()  # how core's own audit entries read (core.audit_words)
