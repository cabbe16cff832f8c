from __future__ import annotations

from decimal import Decimal

from .classes import Band, ClassRule
from .models import PriceBand, PriceClassRule, ProductPrice


def price_class_rules() -> list[ClassRule]:
    return [
        ClassRule(r.price_class, r.min_allocation_price, r.min_wholesale_price) for r in PriceClassRule.objects.all()
    ]


def price_bands() -> list[Band]:
    return [Band(b.pk, b.label, b.min_wholesale_price) for b in PriceBand.objects.all()]


def retail_prices_on(*, product_ids: list[int], on) -> dict[int, Decimal]:
    """Each product's guide retail price per carton in force on a day (the effective-dated price list)."""
    prices: dict[int, Decimal] = {}
    rows = (
        ProductPrice.objects.filter(product_id__in=product_ids, effective_from__lte=on)
        .order_by("product_id", "-effective_from")
        .values_list("product_id", "retail_price")
    )
    for product_id, price in rows:
        prices.setdefault(product_id, price)
    return prices
