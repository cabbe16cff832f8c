"""The weekly supply plan (货源投放计划). Quotas and runs arrive with the rest of issue 4."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.models import OrderCycle
from pricing.models import Product


class ReleaseMethod(models.TextChoices):
    TIER = "A", _("By tier (uniform)")
    TIER_EXTENDED = "B", _("By tier, extended by dimensions")
    PRICE_BAND = "C", _("Price-band self-choice")
    DEMAND = "D", _("By demand")
    SELECTED = "E", _("Selected retailers")


class ExtensionDimension(models.TextChoices):
    COUNTY = "county", _("County branch")
    MARKET_TYPE = "market_type", _("Market type")
    URBAN_RURAL_CODE = "urban_rural_code", _("Urban-rural code")
    BUSINESS_FORMAT = "business_format", _("Business format")
    MARKET_DEPARTMENT = "market_department", _("Market department")
    TRADE_AREA = "trade_area", _("Trade area")
    CREDIT_RATING = "credit_rating", _("Credit rating")
    INTEGRITY_GROUP = "integrity_group", _("Integrity group")


class SupplyPlanLine(models.Model):
    """One product's release in one cycle: target, method, scope and tier range."""

    cycle = models.ForeignKey(OrderCycle, models.PROTECT, related_name="supply_plan", verbose_name=_("order cycle"))
    product = models.ForeignKey(Product, models.PROTECT, related_name="supply_plan", verbose_name=_("product"))
    target = models.PositiveIntegerField(_("target (cartons)"))
    method = models.CharField(_("release method"), max_length=1, choices=ReleaseMethod.choices)
    dimensions = models.JSONField(_("extension dimensions"), default=list, blank=True)
    scope = models.JSONField(_("scope"), default=list, blank=True)  # cells: [{dimension: value, ...}], [] = whole city
    area_text = models.CharField(_("area as written"), max_length=300, blank=True)
    highest_tier = models.PositiveSmallIntegerField(_("highest tier"), default=30)
    lowest_tier = models.PositiveSmallIntegerField(_("lowest tier"), default=1)
    tag_filter = models.CharField(_("tag filter"), max_length=32, blank=True)
    biweekly_double = models.BooleanField(_("biweekly retailers count double"), default=False)
    allow_over = models.BooleanField(_("may exceed the target"), default=False)
    remarks = models.CharField(_("remarks"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("supply plan line")
        verbose_name_plural = _("supply plan")
        ordering = ["cycle", "product__code"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "product"], name="uniq_plan_line"),
            models.CheckConstraint(
                condition=models.Q(lowest_tier__lte=models.F("highest_tier")), name="plan_tier_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} {self.product_id}: {self.target}"


class AllocationRun(models.Model):
    """One computation of a cycle's caps. The cycle's published run is what retailers see."""

    run = models.OneToOneField("core.Run", models.PROTECT, related_name="allocation", verbose_name=_("job run"))
    cycle = models.ForeignKey(OrderCycle, models.PROTECT, related_name="allocation_runs", verbose_name=_("order cycle"))
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("allocation run")
        verbose_name_plural = _("allocation runs")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle"], condition=models.Q(is_published=True), name="one_published_run_per_cycle"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cycle} #{self.pk}"


class CellCap(models.Model):
    """A cap table row: one product, one cell, one tier (quotas resolve from it on read)."""

    allocation = models.ForeignKey(AllocationRun, models.CASCADE, related_name="caps", verbose_name=_("allocation run"))
    plan_line = models.ForeignKey(SupplyPlanLine, models.CASCADE, related_name="+", verbose_name=_("supply plan line"))
    cell = models.CharField(_("cell"), max_length=200, blank=True)  # JSON of the cell's values, "" = whole scope
    tier = models.PositiveSmallIntegerField(_("tier"))
    cap = models.PositiveIntegerField(_("cap (cartons)"))
    eligible = models.PositiveIntegerField(_("eligible weight"))

    class Meta:
        verbose_name = _("cell cap")
        verbose_name_plural = _("cell caps")
        indexes = [models.Index(fields=["allocation", "plan_line"], name="cap_run_line")]

    def __str__(self) -> str:
        return f"{self.plan_line_id} {self.cell} D{self.tier}: {self.cap}"


class CellReport(models.Model):
    """Per product and cell: target, released, error and warnings (the run report)."""

    allocation = models.ForeignKey(
        AllocationRun, models.CASCADE, related_name="report", verbose_name=_("allocation run")
    )
    plan_line = models.ForeignKey(SupplyPlanLine, models.CASCADE, related_name="+", verbose_name=_("supply plan line"))
    cell = models.CharField(_("cell"), max_length=200, blank=True)
    target = models.PositiveIntegerField(_("target (cartons)"))
    released = models.PositiveIntegerField(_("released"))
    warnings = models.JSONField(_("warnings"), default=list, blank=True)

    class Meta:
        verbose_name = _("cell report")
        verbose_name_plural = _("allocation report")

    def __str__(self) -> str:
        return f"{self.plan_line_id} {self.cell}: {self.released}/{self.target}"

    @property
    def error(self) -> int:
        return self.released - self.target
