import re
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PriceClass(models.TextChoices):
    I = "I", _("Class I")  # noqa: E741
    II = "II", _("Class II")
    III = "III", _("Class III")
    IV = "IV", _("Class IV")
    V = "V", _("Class V")


class PriceClassRule(models.Model):
    """Configurable lower bounds of the price classes (docs/domain.md §5).

    A product is in the highest class whose bound its price reaches: by allocation
    price ex-VAT when known, else by wholesale price.
    """

    price_class = models.CharField(_("price class"), max_length=3, choices=PriceClass.choices, unique=True)
    min_allocation_price = models.DecimalField(_("minimum allocation price ex-VAT"), max_digits=10, decimal_places=2)
    min_wholesale_price = models.DecimalField(_("minimum wholesale price"), max_digits=10, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("price class rule")
        verbose_name_plural = _("price class rules")
        ordering = ["-min_allocation_price"]

    def __str__(self) -> str:
        return self.get_price_class_display()


BAND_FIGURES = re.compile(r"[\d\s.,≥≤<>=+~\-–—]+")  # a label of figures and signs only: "≥600", "290–400"


def price_band_words(label: str) -> str:
    """A price band as people read it: a label of figures with its unit, yuan per carton ("≥600" →
    "≥600 元/条"); a label that says more ("600元以上"), or none ("—"), as it is."""
    if not label or not BAND_FIGURES.fullmatch(label) or not any(ch.isdigit() for ch in label):
        return label
    return gettext("%(band)s yuan per carton") % {"band": label}


class PriceBand(models.Model):
    """A band of wholesale price per carton (价位段), lower bound inclusive."""

    label = models.CharField(_("label"), max_length=50, unique=True)
    min_wholesale_price = models.DecimalField(
        _("minimum wholesale price"), max_digits=10, decimal_places=2, unique=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("price band")
        verbose_name_plural = _("price bands")
        ordering = ["-min_wholesale_price"]

    def __str__(self) -> str:
        return price_band_words(self.label)


class Lifecycle(models.TextChoices):
    NEW = "new", _("New")
    ACTIVE = "active", _("On sale")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Product(models.Model):
    """A cigarette specification (卷烟规格). Current prices are cached from ProductPrice."""

    code = models.CharField(_("product code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    brand = models.CharField(_("brand"), max_length=50, blank=True, db_index=True)
    packs_per_carton = models.PositiveSmallIntegerField(_("packs per carton"), default=10)
    lifecycle = models.CharField(_("lifecycle"), max_length=10, choices=Lifecycle.choices, default=Lifecycle.ACTIVE)
    is_scarce = models.BooleanField(_("scarce"), default=False)
    wholesale_price = models.DecimalField(
        _("wholesale price"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    retail_price = models.DecimalField(
        _("retail price"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    allocation_price = models.DecimalField(
        _("allocation price ex-VAT"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    price_class = models.CharField(_("price class"), max_length=3, choices=PriceClass.choices, blank=True)
    price_band = models.ForeignKey(
        PriceBand, models.SET_NULL, null=True, blank=True, related_name="products", verbose_name=_("price band")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def margin_per_carton(self) -> Decimal:
        return self.retail_price - self.wholesale_price

    @property
    def retail_pack_price(self) -> Decimal:
        """The guide retail price of one pack (what the tag shows beside the carton price)."""
        return (self.retail_price / self.packs_per_carton).quantize(Decimal("0.01"))


class ProductPrice(models.Model):
    """A product's prices from a date on (effective-dated price list)."""

    product = models.ForeignKey(Product, models.CASCADE, related_name="prices", verbose_name=_("product"))
    effective_from = models.DateField(_("effective from"))
    wholesale_price = models.DecimalField(_("wholesale price"), max_digits=10, decimal_places=2)
    retail_price = models.DecimalField(_("retail price"), max_digits=10, decimal_places=2)
    allocation_price = models.DecimalField(
        _("allocation price ex-VAT"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("product price")
        verbose_name_plural = _("product prices")
        ordering = ["product", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["product", "effective_from"], name="uniq_price_per_day"),
            models.CheckConstraint(
                condition=models.Q(wholesale_price__gt=0, retail_price__gt=0), name="price_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} @ {self.effective_from}"
