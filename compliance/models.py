"""Price-tag inspections, the compliance policy and each retailer's standing."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pricing.models import Product
from retailers.models import Retailer


class InspectionKind(models.TextChoices):
    OPEN = "open", _("Open")
    COVERT = "covert", _("Covert")


class Inspection(models.Model):
    """A price-tag inspection of one shop (明码标价 / 明码实价) by a customer manager or inspector."""

    retailer = models.ForeignKey(Retailer, models.PROTECT, related_name="inspections", verbose_name=_("retailer"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="inspections", verbose_name=_("inspector")
    )
    visited_on = models.DateField(_("visited on"))
    kind = models.CharField(_("kind"), max_length=8, choices=InspectionKind.choices, default=InspectionKind.OPEN)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [models.Index(fields=["retailer", "-visited_on"], name="inspection_latest")]

    def __str__(self) -> str:
        return f"{self.retailer_id} {self.visited_on}"


class InspectionLine(models.Model):
    """One product on display: its tag and the price actually charged, against the guide price of the day."""

    inspection = models.ForeignKey(Inspection, models.CASCADE, related_name="lines", verbose_name=_("inspection"))
    product = models.ForeignKey(Product, models.PROTECT, related_name="+", verbose_name=_("product"))
    guide_price = models.DecimalField(_("guide price per carton"), max_digits=10, decimal_places=2)
    tag_present = models.BooleanField(_("tag present"))
    tag_price = models.DecimalField(_("tag price per carton"), max_digits=10, decimal_places=2, null=True, blank=True)
    price_carton = models.DecimalField(
        _("price charged per carton"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    price_pack = models.DecimalField(_("price charged per pack"), max_digits=8, decimal_places=2, null=True, blank=True)
    photo = models.FileField(_("photo"), upload_to="inspections/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("inspection line")
        verbose_name_plural = _("inspection lines")
        constraints = [models.UniqueConstraint(fields=["inspection", "product"], name="one_line_per_product")]

    def __str__(self) -> str:
        return f"{self.inspection_id}/{self.product_id}"


class CompliancePolicy(models.Model):
    """How price-tag inspections are planned and judged (docs/domain.md §5). One row; every change kept."""

    retailers_per_week = models.PositiveSmallIntegerField(
        _("retailers per manager and week"), default=20, validators=[MinValueValidator(1)]
    )
    products_per_visit = models.PositiveSmallIntegerField(
        _("products checked per visit"), default=5, validators=[MinValueValidator(1)]
    )
    scarce_weight = models.DecimalField(
        _("weight of scarce products"), max_digits=4, decimal_places=1, default=Decimal(3),
        validators=[MinValueValidator(Decimal(1))],
        help_text=_("How much likelier a scarce product is to be checked than any other."),
    )  # fmt: skip
    ceiling_ratio = models.DecimalField(
        _("legal price ceiling ÷ guide price"), max_digits=4, decimal_places=2, default=Decimal("1.10"),
        validators=[MinValueValidator(Decimal(1))],
        help_text=_("A price charged above the guide price times this is above the legal ceiling."),
    )  # fmt: skip
    window_weeks = models.PositiveSmallIntegerField(
        _("standing window (weeks)"), default=13, validators=[MinValueValidator(1)],
        help_text=_("A retailer's compliance standing counts the inspections of this many weeks."),
    )  # fmt: skip
    repeat_violations = models.PositiveSmallIntegerField(
        _("inspections with a violation that make a repeat violator"), default=2, validators=[MinValueValidator(1)],
        help_text=_("Repeat violators' quotas are reduced by the allocation policy's violation factor."),
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("compliance policy")
        verbose_name_plural = _("compliance policy")

    def __str__(self) -> str:
        return str(_("compliance policy"))


class ComplianceStanding(models.Model):
    """A retailer's price-tag record over the policy's window, refreshed nightly; allocation
    (repeat violators' penalty) and classification (the compliance part of the score) read it."""

    retailer = models.OneToOneField(
        Retailer, models.CASCADE, primary_key=True, related_name="compliance_standing",
        verbose_name=_("retailer"),
    )  # fmt: skip
    as_of = models.DateField(_("as of"))
    inspections = models.PositiveIntegerField(_("inspections"))
    violating_inspections = models.PositiveIntegerField(_("inspections with a violation"))
    lines = models.PositiveIntegerField(_("products checked"))
    compliant_lines = models.PositiveIntegerField(_("products fully compliant"))
    compliance_rate = models.FloatField(_("compliance rate"))
    repeat_violator = models.BooleanField(_("repeat violator"), db_index=True)

    class Meta:
        verbose_name = _("compliance standing")
        verbose_name_plural = _("compliance standings")

    def __str__(self) -> str:
        return f"{self.retailer_id}: {self.compliance_rate:.0%}"
