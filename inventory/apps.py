from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    """Stock counts and nightly inventory advice per retailer and product (DOMAIN.md §6)."""

    name = "inventory"
    verbose_name = _("Inventory advice")
