"""Writing the catalogue: each product's prices in force, its class and band."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from .engine.classes import price_band_of, price_class_of
from .models import Product, ProductPrice
from .selectors import price_bands, price_class_rules


@transaction.atomic
def products_refresh_prices(*, product_ids: Iterable[int] | None = None, on: dt.date | None = None) -> int:
    """Cache each product's prices in force `on` (default today) and derive its class and band.

    Returns how many products changed.
    """
    on = on or timezone.localdate()
    rules, bands = price_class_rules(), price_bands()
    products = Product.objects.all() if product_ids is None else Product.objects.filter(pk__in=list(product_ids))
    in_force: dict[int, ProductPrice] = {}
    for price in ProductPrice.objects.filter(product__in=products, effective_from__lte=on).order_by(
        "product_id", "effective_from"
    ):
        in_force[price.product_id] = price  # the latest one wins
    changed = []
    for product in products:
        price = in_force.get(product.pk)
        if price is not None:
            product.wholesale_price = price.wholesale_price
            product.retail_price = price.retail_price
            product.allocation_price = price.allocation_price
        new_class = price_class_of(
            wholesale_price=product.wholesale_price, allocation_price=product.allocation_price, rules=rules
        )
        new_band = price_band_of(wholesale_price=product.wholesale_price, bands=bands)
        before = (product.price_class, product.price_band_id)
        product.price_class, product.price_band_id = new_class, new_band
        if price is not None or before != (new_class, new_band):
            changed.append(product)
    Product.objects.bulk_update(
        changed, ["wholesale_price", "retail_price", "allocation_price", "price_class", "price_band"], batch_size=500
    )
    return len(changed)
