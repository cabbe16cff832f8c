"""Stock counts: what a shop holds of a product on a day, and who counted it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pricing.models import Product
from retailers.models import Retailer


class StockSource(models.TextChoices):
    POS = "pos", _("POS data")
    MANAGER = "manager", _("Customer manager's count")
    RETAILER = "retailer", _("Retailer's own report")


class StockCount(models.Model):
    """Cartons of one product in one shop on a day, from a POS import, a visit or the retailer."""

    retailer = models.ForeignKey(Retailer, models.CASCADE, related_name="stock_counts", verbose_name=_("retailer"))
    product = models.ForeignKey(Product, models.PROTECT, related_name="+", verbose_name=_("product"))
    counted_on = models.DateField(_("counted on"))
    cartons = models.PositiveIntegerField(_("cartons"))
    source = models.CharField(_("source"), max_length=10, choices=StockSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        indexes = [models.Index(fields=["retailer", "product", "-counted_on"], name="stock_latest")]

    def __str__(self) -> str:
        return f"{self.retailer_id}/{self.product_id} {self.counted_on}: {self.cartons}"
