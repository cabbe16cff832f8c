from django.db import models
from django.utils.translation import gettext_lazy as _

from cycles.models import OrderCycle
from pricing.models import Product
from retailers.models import Retailer


class Order(models.Model):
    """What one retailer ordered of one product in one cycle (order history)."""

    cycle = models.ForeignKey(OrderCycle, models.PROTECT, related_name="orders", verbose_name=_("order cycle"))
    retailer = models.ForeignKey(
        Retailer, models.PROTECT, related_name="orders", verbose_name=_("retailer"), db_index=False
    )
    product = models.ForeignKey(
        Product, models.PROTECT, related_name="orders", verbose_name=_("product"), db_index=False
    )
    ordered_qty = models.PositiveIntegerField(_("ordered cartons"))
    returned_qty = models.PositiveIntegerField(_("returned cartons"), default=0, db_default=0)
    quota = models.PositiveIntegerField(_("quota in force"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(fields=["retailer", "cycle", "product"], name="uniq_order_line"),
            models.CheckConstraint(
                condition=models.Q(returned_qty__lte=models.F("ordered_qty")), name="returns_within_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id}/{self.retailer_id}/{self.product_id}: {self.ordered_qty}"


class WeeklyPurchase(models.Model):
    """A retailer's purchase totals in one cycle, summed from its orders.

    Classification and profitability read these (one row per retailer and week) instead of
    the order lines; `orders.services.weekly_purchases_refresh` rebuilds them for the cycles
    whose orders changed. `cartons` and `amount` are as ordered; `sales`, `cost` and the class
    mix count the cartons kept (ordered − returned), each at the prices in force on the cycle's
    first day (see `orders.engine.weekly.weekly_totals`).
    """

    cycle = models.ForeignKey(OrderCycle, models.CASCADE, related_name="+", verbose_name=_("order cycle"))
    retailer = models.ForeignKey(
        Retailer, models.CASCADE, related_name="weekly_purchases", verbose_name=_("retailer"), db_index=False
    )
    cartons = models.PositiveIntegerField(_("cartons"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    lines = models.PositiveIntegerField(_("order lines"))
    returned = models.PositiveIntegerField(_("returned cartons"), default=0, db_default=0)
    sales = models.DecimalField(_("sales at retail price"), max_digits=14, decimal_places=2, default=0, db_default=0)
    cost = models.DecimalField(_("cost at wholesale price"), max_digits=14, decimal_places=2, default=0, db_default=0)
    cartons_class_i = models.IntegerField(_("class I cartons"), default=0, db_default=0)
    cartons_class_ii = models.IntegerField(_("class II cartons"), default=0, db_default=0)
    cartons_class_iii = models.IntegerField(_("class III cartons"), default=0, db_default=0)
    cartons_class_iv = models.IntegerField(_("class IV cartons"), default=0, db_default=0)
    cartons_class_v = models.IntegerField(_("class V cartons"), default=0, db_default=0)

    class Meta:
        verbose_name = _("weekly purchase")
        verbose_name_plural = _("weekly purchases")
        constraints = [models.UniqueConstraint(fields=["retailer", "cycle"], name="uniq_weekly_purchase")]

    def __str__(self) -> str:
        return f"{self.cycle_id}/{self.retailer_id}: {self.cartons}"
