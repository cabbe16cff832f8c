from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
from django.db import transaction
from django.utils import timezone

from core.runs import tracked_run

from .classes import price_band_of, price_class_of
from .compliance import standings
from .models import ComplianceStanding, InspectionLine, Product, ProductPrice
from .selectors import compliance_policy, inspection_checks, price_bands, price_class_rules

STANDING_JOB = "compliance_standing"
STANDING_COLUMNS = [
    "inspections", "violating_inspections", "lines", "compliant_lines", "compliance_rate", "repeat_violator",
]  # fmt: skip


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


def compliance_standing_refresh(*, today: dt.date | None = None) -> dict:
    """Every inspected retailer's standing over the policy's window, replaced in one transaction (a
    failed night keeps yesterday's; a re-run gives the same rows). Runs before the allocation."""
    today = today or timezone.localdate()
    policy = compliance_policy()
    with tracked_run(job=STANDING_JOB, scope=today.isoformat()) as run:
        run.stage("read", 10)
        since = today - dt.timedelta(weeks=policy.window_weeks)
        lines = InspectionLine.objects.filter(inspection__visited_on__gt=since, inspection__visited_on__lte=today)
        checks = inspection_checks(lines, policy=policy)
        out = (
            standings(checks, repeat_violations=policy.repeat_violations)
            if not checks.empty
            else pd.DataFrame(columns=STANDING_COLUMNS)
        )
        run.stage("write", 60)
        with transaction.atomic():
            ComplianceStanding.objects.all().delete()
            ComplianceStanding.objects.bulk_create(
                (
                    ComplianceStanding(retailer_id=int(retailer), as_of=today, **{c: row[c] for c in STANDING_COLUMNS})
                    for retailer, row in out.iterrows()
                ),
                batch_size=2000,
            )
        counts = {"retailers": len(out), "repeat_violators": int(out["repeat_violator"].sum()) if len(out) else 0}
        run.count(**counts)
    return counts
