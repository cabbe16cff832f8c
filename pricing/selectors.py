"""Reading the catalogue: price classes, bands and the prices in force on a day."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from .engine.classes import Band, ClassRule
from .models import PriceBand, PriceClassRule, Product, ProductPrice


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


def prices_in_force(lines: pd.DataFrame) -> pd.DataFrame:
    """For rows holding product and starts_on (a day), the wholesale and retail price per carton in
    force that day, in fen (`wholesale_fen`, `retail_fen`), and the product's `price_class`; a
    product with no dated price before that day falls back to its current prices."""
    products = set(lines["product"])
    current = pd.DataFrame(
        list(
            Product.objects.filter(pk__in=products).values_list("pk", "wholesale_price", "retail_price", "price_class")
        ),
        columns=["product", "wholesale", "retail", "price_class"],
    ).set_index("product")
    dated = pd.DataFrame(
        list(
            ProductPrice.objects.filter(product__in=products).values_list(
                "product_id", "effective_from", "wholesale_price", "retail_price"
            )
        ),
        columns=["product", "effective_from", "wholesale", "retail"],
    )
    out = pd.DataFrame(index=lines.index)
    for kind in ("wholesale", "retail"):
        out[f"{kind}_fen"] = lines["product"].map(current[kind].map(_fen)).astype(np.int64)
    out["price_class"] = lines["product"].map(current["price_class"]).fillna("")
    if dated.empty:
        return out
    dated["effective_from"] = pd.to_datetime(dated["effective_from"]).astype("datetime64[us]")
    for kind in ("wholesale", "retail"):
        dated[kind] = dated[kind].map(_fen).astype(np.int64)
    starts = pd.to_datetime(lines["starts_on"]).astype("datetime64[us]")  # merge_asof wants one resolution
    left = lines[["product"]].assign(starts_on=starts).reset_index(names="_row")
    matched = pd.merge_asof(
        left.sort_values("starts_on"), dated.sort_values("effective_from"),
        left_on="starts_on", right_on="effective_from", by="product", direction="backward",
    ).set_index("_row")  # fmt: skip
    for kind in ("wholesale", "retail"):
        found = matched[kind].reindex(lines.index)
        out[f"{kind}_fen"] = found.fillna(out[f"{kind}_fen"]).astype(np.int64)
    return out


def _fen(value: Decimal) -> int:
    return int(value * 100)
