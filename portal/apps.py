from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The retailer's phone pages: this cycle's quotas and why, past cycles, prices, notices, tier."""

    name = "portal"
    verbose_name = _("Retailer portal")
