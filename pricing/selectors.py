from __future__ import annotations

from .classes import Band, ClassRule
from .models import PriceBand, PriceClassRule


def price_class_rules() -> list[ClassRule]:
    return [
        ClassRule(r.price_class, r.min_allocation_price, r.min_wholesale_price) for r in PriceClassRule.objects.all()
    ]


def price_bands() -> list[Band]:
    return [Band(b.pk, b.label, b.min_wholesale_price) for b in PriceBand.objects.all()]
