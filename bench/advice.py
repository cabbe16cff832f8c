"""Issue 6 target: the nightly inventory advice for 50,000 retailers × their products on
PostgreSQL under 60 s.

    .venv/bin/python bench/advice.py [--retailers 50000] [--products 100] [--per-retailer 25]

Setup (not timed): the demo registry and catalogue; four complete cycles of orders, each
retailer ordering `--per-retailer` random products a week; stock counts for 10% of the
retailer × product pairs (a week old); this week's supply plan computed and published. Timed:
`inventory_advice_nightly` end to end (read orders, counts and the published quotas; advise;
write the rows by COPY; make them current).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np
import pandas as pd
from _common import Stages, fresh_database

TODAY = dt.date(2026, 11, 25)


def setup(retailers: int, products: int, per_retailer: int) -> None:
    from django.db import transaction

    from accounts.models import Role, User
    from allocation.models import SupplyPlanLine
    from allocation.services import allocation_run_create, allocation_run_publish
    from core.db import bulk_write_frames
    from cycles.calendar import cycle_monday
    from cycles.services import cycle_get_or_create
    from demo.city import build_city
    from demo.services import _catalogue, _registry
    from orders.models import Order
    from retailers.models import Retailer
    from stock.models import StockCount

    started = time.perf_counter()
    city = build_city(retailers=retailers, products=products, seed=9)
    managers = {i: User.objects.create(username=f"m{i}", role=Role.MANAGER).pk for i in range(len(city.managers))}
    boss = User.objects.create(username="boss", role=Role.SUPERVISOR)
    with transaction.atomic():
        _registry(city, managers)
        product_ids = _catalogue(city, TODAY)
    shops = np.array(Retailer.objects.values_list("pk", flat=True))
    rng = np.random.default_rng(4)
    this_cycle = cycle_monday(TODAY)
    frames = []
    for weeks_ago in range(1, 5):
        cycle = cycle_get_or_create(starts_on=this_cycle - dt.timedelta(weeks=weeks_ago))
        picks = np.argsort(rng.random((len(shops), len(product_ids))), axis=1)[:, :per_retailer]
        qty = rng.integers(1, 8, picks.shape)
        frames.append(
            pd.DataFrame(
                {
                    "cycle": cycle.pk,
                    "retailer": np.repeat(shops, per_retailer),
                    "product": product_ids[picks].ravel(),
                    "ordered_qty": qty.ravel(),
                    "quota": 10,
                    "amount": qty.ravel() * 100.0,
                }
            )  # fmt: skip
        )
    orders = sum(len(f) for f in frames)
    bulk_write_frames(Order, ["cycle", "retailer", "product", "ordered_qty", "quota", "amount"], frames)
    pairs = frames[0][["retailer", "product"]].sample(frac=0.1, random_state=1)
    StockCount.objects.bulk_create(
        StockCount(retailer_id=int(r), product_id=int(p), counted_on=TODAY - dt.timedelta(days=7),
                   cartons=int(c), source="manager")
        for r, p, c in zip(pairs["retailer"], pairs["product"], rng.integers(0, 30, len(pairs)), strict=True)
    )  # fmt: skip
    cycle = cycle_get_or_create(starts_on=this_cycle)
    SupplyPlanLine.objects.bulk_create(
        SupplyPlanLine(
            cycle=cycle, product_id=int(p), target=int(rng.integers(retailers // 2, retailers * 3)), method="A"
        )
        for p in product_ids
    )
    allocation_run_publish(allocation_run=allocation_run_create(cycle=cycle), approver=boss)
    print(
        f"setup: {retailers:,} retailers, {products} products, {orders:,} order lines, {len(pairs):,} stock counts, "
        f"this week's quotas published, in {time.perf_counter() - started:.1f} s (not timed)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--retailers", type=int, default=50_000)
    parser.add_argument("--products", type=int, default=100)
    parser.add_argument("--per-retailer", type=int, default=25)
    args = parser.parse_args()
    with fresh_database("bench_advice"):
        setup(args.retailers, args.products, args.per_retailer)
        from inventory.models import InventoryAdvice
        from inventory.services import inventory_advice_nightly

        stages = Stages(f"inventory advice, {args.retailers:,} retailers × their products, PostgreSQL")
        with stages.stage("inventory_advice_nightly (read, advise, write)") as box:
            counts = inventory_advice_nightly(today=TODAY)
            box["rows"] = counts["rows"]
        print(f"  {counts}", flush=True)
        print(f"  rows written: {InventoryAdvice.objects.count():,}", flush=True)


if __name__ == "__main__":
    main()
