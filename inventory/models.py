from django.db import models
from django.utils.translation import gettext_lazy as _

from cycles.models import OrderCycle
from pricing.models import Product
from retailers.models import Retailer
from stock.models import StockSource

from .engine.advice import Status

STATUS_LABELS = {
    Status.NO_SALES: _("no recent sales"),
    Status.SLOW: _("slow-moving"),
    Status.SHORT: _("short"),
    Status.HEALTHY: _("healthy"),
    Status.OVER: _("over-stocked"),
    Status.UNKNOWN: _("needs a count"),
}

# Where the count behind a carried-forward stock came from, stored as a small integer (the nightly
# rows stay numeric for PostgreSQL's binary COPY).
COUNT_SOURCES = {1: StockSource.POS, 2: StockSource.MANAGER, 3: StockSource.RETAILER}
COUNT_SOURCE_CODES = {source: code for code, source in COUNT_SOURCES.items()}


class AdviceRun(models.Model):
    """One night's advice for every retailer; the current one is what pages show."""

    run = models.OneToOneField("core.Run", models.PROTECT, related_name="advice", verbose_name=_("job run"))
    as_of = models.DateField(_("as of"))
    is_current = models.BooleanField(_("current"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("advice run")
        verbose_name_plural = _("advice runs")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=models.Q(is_current=True), name="one_current_advice"
            )
        ]

    def __str__(self) -> str:
        return f"{self.as_of} #{self.pk}"


class InventoryAdvice(models.Model):
    """What one shop should do about one product (bulk-written by the nightly job, no FK constraints)."""

    advice_run = models.ForeignKey(
        AdviceRun,
        models.CASCADE,
        related_name="rows",
        verbose_name=_("advice run"),
        db_index=False,
        db_constraint=False,
    )
    retailer = models.ForeignKey(
        Retailer, models.CASCADE, related_name="+", verbose_name=_("retailer"), db_index=False, db_constraint=False
    )
    product = models.ForeignKey(
        Product, models.CASCADE, related_name="+", verbose_name=_("product"), db_index=False, db_constraint=False
    )
    stock = models.PositiveIntegerField(_("stock (cartons)"), null=True, help_text=_("Empty: unknown (no count)."))
    stock_is_estimate = models.BooleanField(_("stock estimated"))
    # The basis of a carried-forward stock: the count (cartons, how many days before as_of, from
    # which source), the cartons delivered since and the cartons estimated sold since.
    counted_cartons = models.PositiveIntegerField(_("last count (cartons)"), null=True)
    count_age_days = models.PositiveIntegerField(_("days since the count"), null=True)
    count_source = models.PositiveSmallIntegerField(
        _("count source"), null=True, choices=[(code, source.label) for code, source in COUNT_SOURCES.items()]
    )
    delivered_since = models.PositiveIntegerField(_("delivered since the count (cartons)"), null=True)
    sold_since = models.FloatField(_("estimated sold since the count (cartons)"), null=True)
    weekly_sales = models.FloatField(_("weekly sales (cartons)"))
    weeks_of_cover = models.FloatField(_("weeks of cover"), null=True)
    stock_to_sales = models.FloatField(_("stock to monthly sales"), null=True)
    status = models.PositiveSmallIntegerField(
        _("status"), choices=[(int(s), label) for s, label in STATUS_LABELS.items()]
    )
    suggested_order = models.PositiveIntegerField(_("suggested order (cartons)"))
    quota = models.PositiveIntegerField(_("quota"))
    # the cycle whose published quota the advice counted: the one the shop orders next, as its phone
    # home shows it (`inventory.services.shop_cycles`); empty when there is no cycle at all
    cycle = models.ForeignKey(
        OrderCycle, models.DO_NOTHING, related_name="+", verbose_name=_("order cycle"), null=True,
        db_index=False, db_constraint=False,
    )  # fmt: skip
    diversion = models.BooleanField(_("diversion alert"))

    class Meta:
        verbose_name = _("inventory advice")
        verbose_name_plural = _("inventory advice")
        indexes = [models.Index(fields=["advice_run", "retailer"], name="advice_run_retailer")]

    def __str__(self) -> str:
        return f"{self.retailer_id}/{self.product_id}: {self.get_status_display()}"
