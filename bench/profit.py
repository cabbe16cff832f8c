"""Issue 7 targets on PostgreSQL: the nightly profitability figures for 50,000 retailers × 52
weeks under 60 s, and a customer manager's workspace (400 retailers) rendered under 300 ms.

    .venv/bin/python bench/profit.py [--retailers 50000] [--weeks 52] [--manager-size 400]

Setup (not timed): the demo city's registry and `weeks` of weekly purchase totals per retailer
(cartons, sales and cost at the week's prices, price-class mix: what the order import keeps).
The job reads them, computes week, month, quarter and year figures with previous-period and
year-before changes, peer ranks and next-tier gaps, and the alerts, and writes them by COPY.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

import numpy as np
import pandas as pd
from _common import Stages, fresh_database, peak_mb

AS_OF = dt.date(2026, 11, 22)


def setup(retailers: int, weeks: int, manager_size: int) -> None:
    from django.db import connection, transaction

    from accounts.models import Role, User
    from core.db import bulk_write_frames
    from core.db.rebuild import constraints_rebuilt_after
    from cycles.calendar import cycle_monday
    from cycles.services import cycle_get_or_create
    from demo.city import build_city
    from demo.services import _registry
    from orders.engine.weekly import CLASS_COLUMNS, COLUMNS
    from orders.models import WeeklyPurchase
    from retailers.models import Retailer

    started = time.perf_counter()
    city = build_city(retailers=retailers, products=20, seed=7)
    managers = {
        i: User.objects.create(username=f"m{i}", role=Role.MANAGER, is_staff=True).pk for i in range(len(city.managers))
    }
    User.objects.create(username="boss", role=Role.SUPERVISOR, is_staff=True)
    with transaction.atomic():
        ids = _registry(city, managers)
    # one manager with exactly `manager_size` retailers: the workspace measured below
    Retailer.objects.filter(pk__in=list(ids[:manager_size])).update(manager_id=managers[0], status="active")
    Retailer.objects.filter(manager_id=managers[0]).exclude(pk__in=list(ids[:manager_size])).update(
        manager_id=managers[1]
    )
    last = cycle_monday(AS_OF) - dt.timedelta(weeks=1)
    rng = np.random.default_rng(3)
    per_carton = rng.uniform(120, 400, size=retailers)
    margin = rng.uniform(0.10, 0.16, size=retailers)
    with transaction.atomic(), constraints_rebuilt_after(WeeklyPurchase):
        for k in range(weeks):
            cycle = cycle_get_or_create(starts_on=last - dt.timedelta(weeks=k))
            cartons = (rng.poisson(city.scale) + 1).astype(np.int64)
            cost = np.round(cartons * per_carton * 100).astype(np.int64)
            mix = rng.multinomial(1, [0.2, 0.25, 0.3, 0.15, 0.1], size=retailers).argmax(axis=1)
            frame = pd.DataFrame(
                {
                    "cycle": np.full(retailers, cycle.pk, dtype=np.int64), "retailer": ids, "cartons": cartons,
                    "amount": cost, "lines": np.minimum(cartons, 40), "returned": 0,
                    "sales": np.round(cost / (1 - margin)).astype(np.int64), "cost": cost,
                    **{c: np.where(mix == i, cartons, 0) for i, c in enumerate(CLASS_COLUMNS.values())},
                }
            )  # fmt: skip
            bulk_write_frames(WeeklyPurchase, COLUMNS, [frame])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"setup: {retailers:,} retailers, {retailers * weeks:,} weekly purchase rows in {time.perf_counter() - started:.1f} s (not timed below)",
        flush=True,
    )


def measure(retailers: int, manager_size: int) -> None:
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from profitability.models import ProfitAlert, ProfitFigure
    from profitability.services import profit_figures_nightly

    stages = Stages(f"nightly profitability figures, {retailers:,} retailers, PostgreSQL")
    with stages.stage("profit_figures job (read, figures, alerts, COPY, swap)", rows=None) as box:
        counts = profit_figures_nightly(today=AS_OF)
        box["rows"] = counts["figures"]
    with stages.stage("second night (a re-run: same rows, two runs kept)", rows=None) as box:
        box["rows"] = profit_figures_nightly(today=AS_OF)["figures"]
    from core.models import Run

    run = Run.objects.filter(job="profit_figures").order_by("-pk").first()
    print(f"  job stages (s): {run.timings}", flush=True)
    print(f"  figures {ProfitFigure.objects.count():,} rows, alerts {ProfitAlert.objects.count():,}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    from django.core.management import call_command

    call_command("collectstatic", "--no-input", verbosity=0)  # the admin's CSS, as in production
    manager = User.objects.get(username="m0")
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(manager)
    url = "/admin/profitability/profitrun/workspace/"
    first = client.get(url)
    if first.status_code != 200 or f'id="retailer-count">{manager_size}<' not in first.content.decode():
        raise SystemExit(f"the workspace did not show the manager's {manager_size} retailers ({first.status_code})")
    times = []
    for _ in range(20):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    print(
        f"workspace page, {manager_size} retailers: median {statistics.median(times) * 1000:.0f} ms, "
        f"max {max(times) * 1000:.0f} ms over {len(times)} renders (in process, PostgreSQL), peak {peak_mb():,.0f} MB",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--retailers", type=int, default=50_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--manager-size", type=int, default=400)
    args = parser.parse_args()
    with fresh_database(f"bench_profit_{args.retailers}"):
        setup(args.retailers, args.weeks, args.manager_size)
        measure(args.retailers, args.manager_size)


if __name__ == "__main__":
    main()
