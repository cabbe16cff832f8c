from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cycles.models import WeekParity

from .validators import validate_license_no, validate_phone
from .vocabulary import (
    TIER_MAX,
    TIER_MIN,
    BusinessFormat,
    CreditRating,
    MarketType,
    OrderCycleKind,
    RetailerStatus,
    TradeArea,
    UrbanRuralCode,
    Weekday,
)


class CountyBranch(models.Model):
    """A county branch (区县局/营销部) of the city company."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, db_index=True)
    aliases = models.CharField(
        _("other names"), max_length=200, blank=True,
        help_text=_("Other ways supply plans and exports write this branch, separated by commas (e.g. 丹江, 丹江口市)."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("county branch")
        verbose_name_plural = _("county branches")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class MarketDepartment(models.Model):
    """A market department (市场部) inside a county branch."""

    branch = models.ForeignKey(
        CountyBranch, models.PROTECT, related_name="departments", verbose_name=_("county branch")
    )
    name = models.CharField(_("name"), max_length=100)
    aliases = models.CharField(
        _("other names"), max_length=200, blank=True,
        help_text=_("Other ways supply plans and exports write this department, separated by commas."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("market department")
        verbose_name_plural = _("market departments")
        ordering = ["branch__name", "name"]
        constraints = [models.UniqueConstraint(fields=["branch", "name"], name="uniq_department_per_branch")]

    def __str__(self) -> str:
        return self.name


class ServiceRoute(models.Model):
    """A customer manager's service route (服务线路) inside a market department."""

    department = models.ForeignKey(
        MarketDepartment, models.PROTECT, related_name="routes", verbose_name=_("market department")
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("service route")
        verbose_name_plural = _("service routes")
        ordering = ["department__name", "name"]
        constraints = [models.UniqueConstraint(fields=["department", "name"], name="uniq_route_per_department")]

    def __str__(self) -> str:
        return self.name


class Retailer(models.Model):
    """A licensed retail shop (零售户)."""

    customer_code = models.CharField(_("customer code"), max_length=32, unique=True)
    license_no = models.CharField(_("license number"), max_length=32, unique=True, validators=[validate_license_no])
    name = models.CharField(_("shop name"), max_length=200, blank=True)
    owner_name = models.CharField(_("owner"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])
    owner_id_no = models.CharField(_("owner's ID card number"), max_length=32, blank=True)
    bank_account = models.CharField(_("settlement bank account"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    # greater than 0 on every path, as the import has it (tester 2026-11-27: -5 was saved on the change form)
    shop_area = models.DecimalField(
        _("shop area (m²)"), max_digits=8, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.1"), message=_("A shop area is greater than 0 m²."))],
    )  # fmt: skip

    branch = models.ForeignKey(CountyBranch, models.PROTECT, related_name="retailers", verbose_name=_("county branch"))
    department = models.ForeignKey(
        MarketDepartment,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="retailers",
        verbose_name=_("market department"),
    )
    route = models.ForeignKey(
        ServiceRoute, models.SET_NULL, null=True, blank=True, related_name="retailers", verbose_name=_("service route")
    )

    business_format = models.CharField(_("business format"), max_length=1, choices=BusinessFormat.choices, blank=True)
    market_type = models.CharField(_("market type"), max_length=8, choices=MarketType.choices, blank=True)
    urban_rural_code = models.CharField(_("urban-rural code"), max_length=3, choices=UrbanRuralCode.choices, blank=True)
    trade_area = models.CharField(_("trade area"), max_length=16, choices=TradeArea.choices, blank=True)
    tier = models.PositiveSmallIntegerField(
        _("tier"), null=True, blank=True, validators=[MinValueValidator(TIER_MIN), MaxValueValidator(TIER_MAX)]
    )
    order_cycle_kind = models.CharField(
        _("order cycle"), max_length=12, choices=OrderCycleKind.choices, default=OrderCycleKind.WEEKLY
    )
    order_weekday = models.PositiveSmallIntegerField(_("order day"), choices=Weekday.choices, null=True, blank=True)
    order_week_parity = models.CharField(_("order week parity"), max_length=4, choices=WeekParity.choices, blank=True)
    credit_rating = models.CharField(_("credit rating"), max_length=3, choices=CreditRating.choices, blank=True)
    integrity_group = models.CharField(_("integrity group"), max_length=100, blank=True)
    is_mutual_aid_group = models.BooleanField(_("mutual-aid group member"), default=False)
    is_pos_supplier = models.BooleanField(_("POS data supplier"), default=False)
    is_quality_customer = models.BooleanField(_("quality customer"), default=False)
    is_vulnerable = models.BooleanField(_("vulnerable retailer"), default=False)
    vulnerable_reason = models.CharField(_("vulnerable reason"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=RetailerStatus.choices, default=RetailerStatus.ACTIVE)

    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_retailers",
        verbose_name=_("customer manager"),
        limit_choices_to={"role": "manager"},
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="retailer",
        verbose_name=_("login"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # history is read per retailer (indexed by id); other history indexes would only slow bulk writes;
    # the reason is kept whole (a supervisor's override reason runs to 1,000 characters; django-simple-
    # history's default column holds 100)
    history = HistoricalRecords(
        excluded_fields=["created_at", "updated_at"],
        no_db_index=["branch", "department", "route", "manager", "user"],
        history_change_reason_field=models.TextField(null=True),
    )

    class Meta:
        verbose_name = _("retailer")
        verbose_name_plural = _("retailers")
        ordering = ["customer_code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tier__isnull=True) | models.Q(tier__gte=TIER_MIN, tier__lte=TIER_MAX),
                name="retailer_tier_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(order_cycle_kind=OrderCycleKind.BIWEEKLY) | ~models.Q(order_week_parity=""),
                name="retailer_biweekly_has_parity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_code} {self.name}".strip()
