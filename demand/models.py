"""Demand reports (需求填报, docs/domain.md §9): before a cycle's allocation, the cartons a retailer
wants of each product."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cycles.models import OrderCycle
from pricing.models import Product
from retailers.models import Retailer

# The most cartons of one product a report may state (a typing slip of 50000 must not become demand).
MAX_CARTONS = 9_999


class DemandReport(models.Model):
    """One retailer's reported demand for one product in one cycle: what it says it wants, what it
    was offered as a starting value (its recent orders), who entered it and when.

    Written only while the cycle's window is open (`selectors.demand_window`), so the reports an
    allocation run read are the ones kept: none changes once a run of the cycle has started."""

    cycle = models.ForeignKey(OrderCycle, models.PROTECT, related_name="+", verbose_name=_("order cycle"))
    retailer = models.ForeignKey(Retailer, models.PROTECT, related_name="+", verbose_name=_("retailer"))
    product = models.ForeignKey(Product, models.PROTECT, related_name="+", verbose_name=_("product"))
    cartons = models.PositiveIntegerField(_("cartons wanted"), validators=[MaxValueValidator(MAX_CARTONS)])
    suggested = models.PositiveIntegerField(
        _("suggested from recent orders"), null=True, blank=True,
        help_text=_("The value the form started from: the retailer's mean order per ordering cycle; empty if it had not ordered the product."),
    )  # fmt: skip
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("demand report")
        verbose_name_plural = _("demand reports")
        ordering = ["-cycle__starts_on", "retailer_id", "product__code"]
        constraints = [
            models.UniqueConstraint(fields=["retailer", "cycle", "product"], name="uniq_demand_report"),
            models.CheckConstraint(condition=models.Q(cartons__lte=MAX_CARTONS), name="demand_report_cartons_max"),
        ]
        indexes = [models.Index(fields=["cycle", "product"], name="demand_cycle_product")]

    def __str__(self) -> str:
        return f"{self.cycle_id}/{self.retailer_id}/{self.product_id}: {self.cartons}"
