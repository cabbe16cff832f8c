"""Issue 3 targets on PostgreSQL: re-rate 50,000 retailers under 10 s and 500,000 under 90 s,
end to end: read 13 weeks of purchases, score, assign, write the proposal, publish (tiers and
tier history).

    .venv/bin/python bench/classification.py [--retailers 50000 500000] [--weeks 52]

Setup (not timed): the demo city's registry and 52 weeks of weekly purchase totals per
retailer (what the order import maintains; classification reads those, not order lines).
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import time

import numpy as np
import pandas as pd
from _common import Stages, fresh_database, peak_mb

AS_OF = dt.date(2026, 11, 22)


def setup(retailers: int, weeks: int) -> None:
    from django.db import connection, transaction

    from accounts.models import Role, User
    from core.db import bulk_write_frames
    from core.db.rebuild import constraints_rebuilt_after
    from cycles.calendar import cycle_monday
    from cycles.services import cycle_get_or_create
    from demo.city import build_city
    from demo.services import _registry
    from orders.models import WeeklyPurchase

    started = time.perf_counter()
    city = build_city(retailers=retailers, products=20, seed=7)
    managers = {i: User.objects.create(username=f"m{i}", role=Role.MANAGER).pk for i in range(len(city.managers))}
    User.objects.create(username="boss", role=Role.SUPERVISOR)
    with transaction.atomic():
        ids = _registry(city, managers)
    last = cycle_monday(AS_OF) - dt.timedelta(weeks=1)
    rng = np.random.default_rng(3)
    per_carton = rng.uniform(120, 400, size=retailers)
    with transaction.atomic(), constraints_rebuilt_after(WeeklyPurchase):
        for k in range(weeks):
            cycle = cycle_get_or_create(starts_on=last - dt.timedelta(weeks=k))
            cartons = rng.poisson(city.scale) + 1
            frame = pd.DataFrame(
                {
                    "cycle": np.full(retailers, cycle.pk, dtype=np.int64),
                    "retailer": ids,
                    "cartons": cartons.astype(np.int64),
                    "amount": np.round(cartons * per_carton * 100).astype(np.int64),
                    "lines": np.minimum(cartons, 40).astype(np.int64),
                }
            )
            bulk_write_frames(WeeklyPurchase, ["cycle", "retailer", "cartons", "amount", "lines"], [frame])

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"setup: {retailers:,} retailers, {retailers * weeks:,} weekly purchase rows in {time.perf_counter() - started:.1f} s (not timed below)",
        flush=True,
    )


def measure(retailers: int) -> None:
    from accounts.models import User
    from tiers.services import active_scheme, classification_compute, classification_run, proposal_publish

    scheme = active_scheme()
    stages = Stages(f"classification of {retailers:,} retailers, 13-week window, PostgreSQL")
    with stages.stage("compute only (read + score + assign)", rows=retailers):
        classification_compute(as_of=AS_OF, scheme=scheme)
    with stages.stage("classify_retailers: run → proposal written", rows=retailers):
        proposal = classification_run(as_of=AS_OF)
    with stages.stage("publish: tiers + tier history", rows=proposal.ups + proposal.downs) as box:
        box["rows"] = proposal_publish(proposal=proposal, approver=User.objects.get(username="boss"), today=AS_OF)
    print(f"  run stages (s): {proposal.run.timings}", flush=True)
    total = sum(s for name, s, _ in stages.rows if not name.startswith("compute only"))
    print(f"end to end (run + publish): {total:.2f} s, peak {peak_mb():,.0f} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--retailers", type=int, nargs="+", default=[50_000, 500_000])
    parser.add_argument("--weeks", type=int, default=52)
    args = parser.parse_args()
    if len(args.retailers) > 1:  # one process per size: Django binds its database at setup
        for n in args.retailers:
            subprocess.run([sys.executable, __file__, "--retailers", str(n), "--weeks", str(args.weeks)], check=True)
        return
    n = args.retailers[0]
    with fresh_database(f"bench_classify_{n}"):
        setup(n, args.weeks)
        measure(n)


if __name__ == "__main__":
    main()
