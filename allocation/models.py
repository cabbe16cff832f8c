"""The weekly supply plan (货源投放计划), the allocation policy, runs, caps, per-retailer quotas and KPIs."""

from decimal import Decimal

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.labels import POLICY_NAME, Worded, policy_name_words
from cycles.models import VISIBLE_STATUSES, OrderCycle
from pricing.models import Product
from retailers.models import Retailer

from .engine.cells import TAG_COLUMNS


def default_credit_factors() -> dict:
    return {"C": 0.8, "D": 0.5}


def default_band_cut_tiers() -> list[int]:
    return [21, 11]


class AllocationPolicy(models.Model):
    """The company's individual quota rules (docs/domain.md §4). One active policy; every change kept."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    vulnerable_bonus = models.PositiveSmallIntegerField(
        _("vulnerable retailers' extra cartons"), default=1,
        help_text=_("Added to a vulnerable retailer's quota while the product's target leaves room."),
    )  # fmt: skip
    credit_factors = models.JSONField(
        _("credit penalty factors"), default=default_credit_factors,
        help_text=_('Quota multiplier by credit rating, rounded down, e.g. {"C": 0.8, "D": 0.5}.'),
    )  # fmt: skip
    violation_factor = models.DecimalField(
        _("repeat violators' quota factor"), max_digits=3, decimal_places=2, default=Decimal("0.90"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("Quota multiplier, rounded down, for retailers with repeated price-tag violations (see the compliance policy); 1 = no penalty."),
    )  # fmt: skip
    retailer_ceiling = models.PositiveIntegerField(
        _("ceiling per retailer and product"), null=True, blank=True,
        help_text=_("The most cartons of one product a retailer receives per ordering week (big retailers); the tier caps are searched within it; empty = no ceiling."),
    )  # fmt: skip
    respread_penalties = models.BooleanField(
        _("re-spread cartons freed by penalties"), default=True,
        help_text=_("Cartons a credit or violation penalty takes from a retailer go to the other retailers of the same cell, never lowering anyone's cap."),
    )  # fmt: skip
    max_step = models.PositiveSmallIntegerField(
        _("maximum step between neighbouring tiers"), null=True, blank=True,
        help_text=_("The most a tier's cap may exceed the cap of the tier below; empty = no limit."),
    )  # fmt: skip
    default_top_ratio = models.DecimalField(
        _("default demand shape: top tier ÷ lowest tier"), max_digits=5, decimal_places=2, default=2,
        help_text=_("Used when a product has no recent orders: demand per retailer rises linearly to this multiple."),
    )  # fmt: skip
    demand_weeks = models.PositiveSmallIntegerField(_("demand window (cycles)"), default=4)
    full_order_uplift = models.DecimalField(
        _("uplift for full orders"), max_digits=4, decimal_places=2, default=0.2,
        help_text=_("Orders that hit the quota show demand of at least the quota: a tier's demand is raised by this share times its full-order share."),
    )  # fmt: skip
    reported_demand_weight = models.DecimalField(
        _("weight of reported demand"), max_digits=3, decimal_places=2, default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("The tier demand shape, in a tier where retailers reported demand for the cycle and also ordered: this share from their reports, the rest from orders (0 = orders only, 1 = reports only)."),
    )  # fmt: skip
    band_cut_tiers = models.JSONField(
        _("price-band cut-off tiers"), default=default_band_cut_tiers, blank=True,
        help_text=_("Method C: the lowest tier served by the dearest band, the second dearest, …; bands beyond the list serve every tier."),
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allocation policy")
        verbose_name_plural = _("allocation policies")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="one_active_allocation_policy"
            )
        ]

    worded_fields = {"name": POLICY_NAME}  # "default" (the system's) in words: 默认方案

    def __str__(self) -> str:
        return policy_name_words(self.name)

    def clean(self) -> None:
        """The JSON settings must be what the computation reads: factors between 0 and 1 by credit
        rating, and cut-off tiers between 1 and 30."""
        errors = {}
        factors = self.credit_factors
        if not isinstance(factors, dict) or not all(
            isinstance(k, str) and isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 1
            for k, v in factors.items()
        ):
            errors["credit_factors"] = _('Give a factor between 0 and 1 per credit rating, e.g. {"C": 0.8, "D": 0.5}.')
        cuts = self.band_cut_tiers
        if not isinstance(cuts, list) or not all(
            isinstance(t, int) and not isinstance(t, bool) and 1 <= t <= 30 for t in cuts
        ):
            errors["band_cut_tiers"] = _("Give a list of tiers between 1 and 30, e.g. [21, 11].")
        if errors:
            raise ValidationError(errors)


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


# Once a cycle is published its plan is what the promised quotas were computed from: it stays as it was.
FROZEN_PLAN_STATUSES = VISIBLE_STATUSES


def plan_frozen(cycle: OrderCycle) -> bool:
    return cycle.status in FROZEN_PLAN_STATUSES


def tag_words(code: str) -> str:
    """A plan line's tag filter by the retailer flag it selects: pos_supplier → POS数据共享客户."""
    column = TAG_COLUMNS.get(code)
    if column is None:
        return code
    name = str(Retailer._meta.get_field(column).verbose_name)
    return name[:1].upper() + name[1:]


def _tag_stored(text: str) -> str:
    return next((code for code in TAG_COLUMNS if text in (code, tag_words(code))), text)


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
    cell_ratios = models.JSONField(
        _("cell ratios"), default=dict, blank=True,
        help_text=_('Method B: how the target splits across cells, by the first dimension\'s value, e.g. {"城网": 4, "农网": 6}; empty = by share of eligible retailers.'),
    )  # fmt: skip
    selected_retailers = models.ManyToManyField(
        Retailer, blank=True, related_name="+", verbose_name=_("selected retailers"),
        help_text=_("Method E: the retailers chosen for this release."),
    )  # fmt: skip

    worded_fields = {"tag_filter": Worded(tag_words, _tag_stored)}  # the flag's name, never its code

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
        return f"{self.cycle} {self.product}"


class AllocationRun(models.Model):
    """One computation of a cycle's caps. The cycle's published run is what retailers see."""

    run = models.OneToOneField("core.Run", models.PROTECT, related_name="allocation", verbose_name=_("job run"))
    cycle = models.ForeignKey(OrderCycle, models.PROTECT, related_name="allocation_runs", verbose_name=_("order cycle"))
    is_published = models.BooleanField(_("published"), default=False)
    is_complete = models.BooleanField(_("complete"), default=False)
    policy = models.JSONField(_("policy applied"), default=dict, blank=True)
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
    cell_no = models.PositiveSmallIntegerField(_("cell number"), default=0)  # RetailerQuotas entries' cell
    target = models.PositiveIntegerField(_("target (cartons)"))
    released = models.PositiveIntegerField(_("released"))
    rotated = models.BooleanField(_("rotated"), default=False)
    figures = models.JSONField(_("cartons at each rule"), default=dict, blank=True)
    served = models.BinaryField(_("retailers served (bitmap)"), default=b"")  # quota > 0; see engine.bitmaps
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    # Method C: the band the run computed the line in (`BandCap.price_band`), what its quotas' reasons read
    # whatever the band is called or the product's price is later; "" for the other methods.
    price_band = models.CharField(_("price band used"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("cell report")
        verbose_name_plural = _("allocation report")
        indexes = [models.Index(fields=["allocation", "plan_line"], name="report_run_line")]

    def __str__(self) -> str:
        return f"{self.plan_line} {self.released:,}/{self.target:,}"

    @property
    def error(self) -> int:
        return self.released - self.target


class BandCap(models.Model):
    """Method C: the cartons each tier may choose within one price band."""

    allocation = models.ForeignKey(
        AllocationRun, models.CASCADE, related_name="band_caps", verbose_name=_("allocation run")
    )
    price_band = models.CharField(_("price band"), max_length=50)
    tier = models.PositiveSmallIntegerField(_("tier"))
    cap = models.PositiveIntegerField(_("cap (cartons)"))
    eligible = models.PositiveIntegerField(_("eligible weight"))

    class Meta:
        verbose_name = _("price-band cap")
        verbose_name_plural = _("price-band caps")

    def __str__(self) -> str:
        return f"{self.price_band} D{self.tier}: {self.cap}"


class RetailerQuotas(models.Model):
    """One retailer's quotas in one run, as computed and (once the run is published) as promised:
    the registry facts the run used, and one entry per plan line (`ENTRY`: line, cell number,
    weight, base = cap × weight before penalties, quota, reason bits, day last served), packed as
    little-endian binary. Reads never recompute them from today's registry; after publishing only
    a supervisor's audited exception (`QuotaException`) changes what a retailer reads.

    A run writes one row per retailer per batch of lines (`part` = the batch's first plan line), by
    COPY with no database FK constraints (integrity by construction; Django still cascades)."""

    class Fact(models.IntegerChoices):
        VULNERABLE = 1, _("vulnerable")
        REPEAT_VIOLATOR = 2, _("repeat price-tag violator")
        BIWEEKLY = 4, _("orders every other week")

    ENTRY = np.dtype(
        [("plan_line", "<u4"), ("cell", "<u2"), ("weight", "u1"), ("base", "<u2"), ("quota", "<u2"),
         ("reasons", "<u2"), ("last_served", "<u2")]
    )  # fmt: skip
    SERVED_EPOCH = 730120  # date(2000, 1, 1).toordinal(): last_served is stored as days since, 0 = never

    allocation = models.ForeignKey(
        AllocationRun, models.CASCADE, related_name="quotas", verbose_name=_("allocation run"),
        db_index=False, db_constraint=False,
    )  # fmt: skip
    retailer = models.ForeignKey(
        Retailer, models.CASCADE, related_name="+", verbose_name=_("retailer"), db_index=False, db_constraint=False
    )
    part = models.PositiveIntegerField(_("batch of plan lines"))
    tier = models.PositiveSmallIntegerField(_("tier"), null=True)
    credit_rating = models.CharField(_("credit rating"), max_length=8, blank=True)
    facts = models.PositiveSmallIntegerField(_("facts"), default=0)  # Fact bits
    entries = models.BinaryField(_("quotas"))

    class Meta:
        verbose_name = _("retailer's quotas")
        verbose_name_plural = _("retailers' quotas")
        indexes = [models.Index(fields=["allocation", "retailer"], name="quotas_run_retailer")]

    def __str__(self) -> str:
        return f"{self.allocation_id}/{self.retailer_id}"

    @classmethod
    def served_day(cls, ordinals: np.ndarray) -> np.ndarray:
        """Ordinal days (NEVER_SERVED = -1) as stored: days since 2000-01-01, 0 for never."""
        ordinals = np.asarray(ordinals, dtype=np.int64)
        return np.where(ordinals > cls.SERVED_EPOCH, ordinals - cls.SERVED_EPOCH, 0).astype(np.uint16)

    @classmethod
    def served_ordinal(cls, days: np.ndarray) -> np.ndarray:
        days = np.asarray(days, dtype=np.int64)
        return np.where(days > 0, days + cls.SERVED_EPOCH, -1)


class QuotaException(models.Model):
    """A supervisor's approved exception: this retailer's quota of this product in this cycle (audited)."""

    cycle = models.ForeignKey(
        OrderCycle, models.PROTECT, related_name="quota_exceptions", verbose_name=_("order cycle")
    )
    product = models.ForeignKey(Product, models.PROTECT, related_name="+", verbose_name=_("product"))
    retailer = models.ForeignKey(Retailer, models.PROTECT, related_name="quota_exceptions", verbose_name=_("retailer"))
    quota = models.PositiveIntegerField(_("quota"))
    reason = models.TextField(_("reason"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("approved by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The shop as it was when the exception was approved, as a run keeps it (`RetailerQuotas`): what its
    # quota reads where the run has no row for the shop, so a later tier override or registry change never
    # alters it (the cell: its key on the plan line, as `CellReport.cell`; "" = the whole scope).
    tier = models.PositiveSmallIntegerField(_("tier when approved"), null=True, blank=True)
    credit_rating = models.CharField(_("credit rating when approved"), max_length=8, blank=True)
    facts = models.PositiveSmallIntegerField(_("facts when approved"), default=0)  # RetailerQuotas.Fact bits
    cell = models.CharField(_("cell when approved"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("quota exception")
        verbose_name_plural = _("quota exceptions")
        constraints = [models.UniqueConstraint(fields=["cycle", "product", "retailer"], name="uniq_quota_exception")]

    def __str__(self) -> str:
        return gettext("%(retailer)s · %(product)s · cycle %(cycle)s: %(quota)s cartons") % {
            "retailer": self.retailer.name, "product": self.product.name, "cycle": self.cycle.label,
            "quota": f"{self.quota:,}",
        }  # fmt: skip


class CycleKpi(models.Model):
    """Learning from a closed cycle, per product and tier (docs/domain.md §4)."""

    cycle = models.ForeignKey(OrderCycle, models.CASCADE, related_name="kpis", verbose_name=_("order cycle"))
    product = models.ForeignKey(Product, models.CASCADE, related_name="+", verbose_name=_("product"))
    tier = models.PositiveSmallIntegerField(_("tier"))
    offered = models.PositiveIntegerField(_("retailers offered"))
    ordering = models.PositiveIntegerField(_("retailers ordering"))
    full_orders = models.PositiveIntegerField(_("retailers ordering their whole quota"))
    repeat = models.PositiveIntegerField(_("retailers ordering in both cycles"))
    previous_ordering = models.PositiveIntegerField(_("retailers ordering in the previous cycle"))
    quota_total = models.PositiveIntegerField(_("quota total"))
    ordered_total = models.PositiveIntegerField(_("ordered total"))

    class Meta:
        verbose_name = _("cycle KPI")
        verbose_name_plural = _("cycle KPIs")
        constraints = [models.UniqueConstraint(fields=["cycle", "product", "tier"], name="uniq_cycle_kpi")]

    def __str__(self) -> str:
        return f"{self.cycle} {self.product_id} D{self.tier}"

    @staticmethod
    def _ratio(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    @property
    def fill_rate(self) -> float | None:
        return self._ratio(self.ordered_total, self.quota_total)

    @property
    def full_order_share(self) -> float | None:
        return self._ratio(self.full_orders, self.offered)

    @property
    def coverage(self) -> float | None:
        return self._ratio(self.ordering, self.offered)

    @property
    def repeat_rate(self) -> float | None:
        return self._ratio(self.repeat, self.previous_ordering)
