from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The retailer's phone pages: this cycle's quotas and why, past cycles, prices, notices, tier."""

    name = "portal"
    verbose_name = _("Retailer portal")

    def ready(self):
        from allocation.signals import quotas_changed

        from .receivers import quota_sheets_forget

        quotas_changed.connect(quota_sheets_forget, dispatch_uid="portal.quota_sheets_forget")
