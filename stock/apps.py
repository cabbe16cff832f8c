from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StockConfig(AppConfig):
    """Stock counts from POS data, customer managers' visits and retailers' own reports."""

    name = "stock"
    verbose_name = _("Stock counts")
