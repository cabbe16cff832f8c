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


def recent_supply_signals(*, product_ids: list[int], until, weeks: int = 8) -> dict[int, dict]:
    """Per product, what the last `weeks` of inspections say about its supply (see `compliance.supply_signals`)."""
    import datetime as dt

    import pandas as pd

    from .compliance import line_checks, supply_signals
    from .models import InspectionLine

    rows = InspectionLine.objects.filter(
        product_id__in=product_ids,
        inspection__visited_on__gt=until - dt.timedelta(weeks=weeks),
        inspection__visited_on__lte=until,
    ).values(
        "product", "guide_price", "tag_present", "tag_price", "price_carton", "price_pack", "product__packs_per_carton"
    )
    frame = pd.DataFrame(list(rows))
    if frame.empty:
        return {}
    frame = frame.rename(columns={"product__packs_per_carton": "packs_per_carton"})
    return supply_signals(line_checks(frame)).to_dict("index")
