"""Issue 4 targets on PostgreSQL, end to end (load, compute, write, publish): a real city's
week (15,000 retailers × 90 products) under 3 s; 50,000 × 300 under 10 s; 500,000 × 100 under 30 s.

    .venv/bin/python bench/quotas.py [--cases 15000x90 50000x300 500000x100]

Setup (not timed): the demo registry and a supply plan for the cycle: a third of the products
by tier city-wide (A), the rest by tier × market type (B, split by share of retailers).
Methods C/D/E and the individual rules are not built yet; this measures A and B.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import time

import numpy as np
from _common import Stages, fresh_database

CYCLE_START = dt.date(2026, 11, 23)


def setup(retailers: int, products: int) -> None:
    from django.db import transaction

    from accounts.models import Role, User
    from allocation.models import SupplyPlanLine
    from demo.city import build_city
    from demo.services import _catalogue, _registry
    from orders.services import cycle_get_or_create

    started = time.perf_counter()
    city = build_city(retailers=retailers, products=products, seed=5)
    managers = {i: User.objects.create(username=f"m{i}", role=Role.MANAGER).pk for i in range(len(city.managers))}
    User.objects.create(username="boss", role=Role.SUPERVISOR)
    with transaction.atomic():
        _registry(city, managers)
        product_ids = _catalogue(city, CYCLE_START)
    cycle = cycle_get_or_create(starts_on=CYCLE_START)
    rng = np.random.default_rng(1)
    SupplyPlanLine.objects.bulk_create(
        [
            SupplyPlanLine(
                cycle=cycle, product_id=int(pid), target=int(rng.integers(retailers // 10, retailers * 3)),
                method="A" if k % 3 == 0 else "B", dimensions=[] if k % 3 == 0 else ["market_type"],
                lowest_tier=1 if k % 2 else 5,
            )  # fmt: skip
            for k, pid in enumerate(product_ids)
        ]
    )
    print(f"setup: {retailers:,} retailers, {products} plan lines in {time.perf_counter() - started:.1f} s (not timed)", flush=True)


def measure(retailers: int, products: int) -> None:
    from accounts.models import User
    from allocation.services import allocation_publish, allocation_run, report_rows
    from orders.models import OrderCycle

    cycle = OrderCycle.objects.get(starts_on=CYCLE_START)
    stages = Stages(f"allocation {retailers:,} retailers × {products} products, PostgreSQL")
    with stages.stage("run_allocation (load, compute, write)", rows=retailers * products):
        allocation = allocation_run(cycle=cycle)
    with stages.stage("publish", rows=None):
        allocation_publish(allocation=allocation, approver=User.objects.get(username="boss"))
    rows = report_rows(allocation)
    off = sum(1 for r in rows if r["error"] != 0)
    print(f"  run stages (s): {allocation.run.timings}", flush=True)
    print(f"  cells {len(rows)}, released {sum(r['released'] for r in rows):,} of {sum(r['target'] for r in rows):,}; cells off target: {off}", flush=True)
    print(f"end to end: {sum(s for _, s, _ in stages.rows):.2f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", nargs="+", default=["15000x90", "50000x300", "500000x100"])
    args = parser.parse_args()
    if len(args.cases) > 1:
        for case in args.cases:
            subprocess.run([sys.executable, __file__, "--cases", case], check=True)
        return
    retailers, products = (int(x) for x in args.cases[0].split("x"))
    with fresh_database(f"bench_allocation_{retailers}"):
        setup(retailers, products)
        measure(retailers, products)


if __name__ == "__main__":
    main()
