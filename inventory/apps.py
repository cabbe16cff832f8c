from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    """Nightly inventory advice per retailer and product, from stock counts, sales and quotas (docs/domain.md §6)."""

    name = "inventory"
    verbose_name = _("Inventory advice")
