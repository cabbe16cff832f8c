"""Allocation on PostgreSQL, the whole path a user waits for: run (load, compute, store every
retailer's quotas), publish, and the first phone read of a retailer's quotas (cold cache).
Targets (issue 16): 15,000 retailers × 90 products under 3 s; 50,000 × 300 under 10 s;
500,000 × 100 under 40 s; peak memory of any process under 2 GB at 500,000 (this process, the
worker processes with --workers, and the PostgreSQL backend, printed at the end).

    .venv/bin/python bench/quotas.py [--cases 15000x90 50000x300 500000x100] [--workers N]

With --workers, the run fans out as a Celery chord on a real worker (Redis) with N processes,
one group of lines per process, as production does for large plans.

Setup (not timed): the demo registry (with its credit ratings and vulnerable retailers, so the
individual rules apply) and a supply plan mixing every method: 10% of products by price band (C),
5% by demand (D, with a previous cycle's orders from 30% of retailers), 2% to 200 selected
retailers (E); of the rest a third by tier city-wide (A) and the others by tier × market type (B).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from _common import ROOT, Stages, fresh_database, peak_mb

REDIS = "redis://127.0.0.1:6379/7"

CYCLE_START = dt.date(2026, 11, 23)


def setup(retailers: int, products: int) -> None:
    from django.db import transaction

    from accounts.models import Role, User
    from allocation.models import SupplyPlanLine
    from cycles.services import cycle_get_or_create
    from demo.city import build_city
    from demo.services import _catalogue, _registry

    started = time.perf_counter()
    city = build_city(retailers=retailers, products=products, seed=5)
    managers = {i: User.objects.create(username=f"m{i}", role=Role.MANAGER).pk for i in range(len(city.managers))}
    User.objects.create(username="boss", role=Role.SUPERVISOR)
    with transaction.atomic():
        _registry(city, managers)
        product_ids = _catalogue(city, CYCLE_START)
    cycle = cycle_get_or_create(starts_on=CYCLE_START)
    rng = np.random.default_rng(1)
    n = len(product_ids)
    methods = np.array(["A" if k % 3 == 0 else "B" for k in range(n)])
    methods[: n // 10] = "C"
    methods[n // 10 : n // 10 + max(1, n // 20)] = "D"
    methods[n // 10 + max(1, n // 20) : n // 10 + max(1, n // 20) + max(1, n // 50)] = "E"
    lines = SupplyPlanLine.objects.bulk_create(
        [
            SupplyPlanLine(
                cycle=cycle,
                product_id=int(pid),
                target=int(rng.integers(retailers // 10, retailers * 3)),
                method=m,
                dimensions=["market_type"] if m == "B" else [],
                lowest_tier=1 if k % 2 else 5,
            )  # fmt: skip
            for k, (pid, m) in enumerate(zip(product_ids, methods, strict=True))
        ]
    )
    _history_and_selection(cycle, lines, rng)
    print(
        f"setup: {retailers:,} retailers, {products} plan lines in {time.perf_counter() - started:.1f} s (not timed)",
        flush=True,
    )


def _history_and_selection(cycle, lines, rng) -> None:
    """Orders in the previous cycle for the by-demand products; 200 chosen retailers per selected product."""
    import pandas as pd

    from core.db import bulk_write_frames
    from cycles.services import cycle_get_or_create
    from orders.models import Order
    from retailers.models import Retailer

    ids = np.array(Retailer.objects.values_list("pk", flat=True))
    previous = cycle_get_or_create(starts_on=CYCLE_START - dt.timedelta(weeks=1))
    frames = []
    for line in (x for x in lines if x.method == "D"):
        buyers = ids[rng.random(len(ids)) < 0.3]
        qty = rng.integers(1, 6, len(buyers))
        frames.append(
            pd.DataFrame(
                {
                    "cycle": previous.pk,
                    "retailer": buyers,
                    "product": line.product_id,
                    "ordered_qty": qty,
                    "quota": 5,
                    "amount": qty * 100.0,
                }
            )
        )
    if frames:
        bulk_write_frames(Order, ["cycle", "retailer", "product", "ordered_qty", "quota", "amount"], frames)
    for line in (x for x in lines if x.method == "E"):
        line.selected_retailers.set(rng.choice(ids, size=min(200, len(ids)), replace=False).tolist())


@contextlib.contextmanager
def celery_workers(concurrency: int):
    """A real `celery worker` (prefork, `concurrency` processes) on Redis, on the bench database."""
    from distribution.celery import app

    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "distribution", "worker", "-Q", "allocation", "-c", str(concurrency),
         "--without-gossip", "--without-mingle", "-l", "warning"],
        cwd=ROOT, env=os.environ.copy(),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=1.0):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("celery worker did not start")
        yield
        print(f"peak memory of the worker processes: {tree_peaks(process.pid)}", flush=True)
    finally:
        process.terminate()
        process.wait(30)


def tree_peaks(pid: int) -> str:
    """Peak resident memory (VmHWM) of a process and its children, read from /proc."""
    found = []
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        peak = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")), 0)
        found.append(f"{current}: {peak / 1024:,.0f} MB")
        todo.extend(int(c) for c in children)
    return "; ".join(found) or "not readable"


def run_on_workers(cycle):
    """allocation_run_create as a chord over the workers; returns when the run has finished."""
    from allocation.models import AllocationRun
    from allocation.services import allocation_run_create
    from core.models import Run, RunStatus

    allocation_run = allocation_run_create(cycle=cycle, fan_out=True)
    while (run := Run.objects.get(pk=allocation_run.run_id)).status == RunStatus.RUNNING:
        time.sleep(0.05)
    if run.status != RunStatus.SUCCEEDED:
        raise SystemExit(f"run failed: {run.error}")
    return AllocationRun.objects.get(pk=allocation_run.pk)


def measure(retailers: int, products: int, workers: int) -> None:
    from accounts.models import User
    from allocation.reports import report_rows
    from allocation.services import allocation_run_create, allocation_run_publish
    from cycles.models import OrderCycle

    cycle = OrderCycle.objects.get(starts_on=CYCLE_START)
    where = f"a chord on {workers} worker processes" if workers else "in process"
    stages = Stages(f"allocation {retailers:,} retailers × {products} products, PostgreSQL, {where}")
    with stages.stage("run_allocation (load, compute, write)", rows=retailers * products):
        if workers:
            allocation_run = run_on_workers(cycle)
        elif os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            with cProfile.Profile() as profile:
                allocation_run = allocation_run_create(cycle=cycle)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(35)
        else:
            allocation_run = allocation_run_create(cycle=cycle)
    with stages.stage("publish", rows=None):
        allocation_run_publish(allocation_run=allocation_run, approver=User.objects.get(username="boss"))
    from allocation.models import RetailerQuotas
    from retailers.models import Retailer

    reader = Retailer.objects.get(
        pk=RetailerQuotas.objects.filter(allocation=allocation_run).values_list("retailer_id", flat=True)[:1].get()
    )
    with stages.stage("first phone read (one retailer, cold cache)", rows=None):
        first_read(cycle, reader)
    rows = report_rows(allocation_run)
    off = sum(1 for r in rows if r["unreleased"] != 0)
    from django.db import connection

    stored = RetailerQuotas.objects.filter(allocation=allocation_run)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size('allocation_retailerquotas')")
        size = cursor.fetchone()[0]
    print(f"  stored quota rows: {stored.count():,} ({size / 1e6:,.0f} MB with index)", flush=True)
    print(
        f"  cells {len(rows)}, released {sum(r['released'] for r in rows):,} of {sum(r['target'] for r in rows):,}; "
        f"cells not released in full: {off}; taken by penalties {sum(r['penalties'] for r in rows):,}, "
        f"re-spread {sum(r['respread'] for r in rows):,}",
        flush=True,
    )
    print(f"end to end: {sum(s for _, s, _ in stages.rows):.2f} s", flush=True)
    print(f"peak memory: this process {peak_mb():,.0f} MB; {backend_peak()}", flush=True)


def first_read(cycle, retailer) -> None:
    """A retailer's quota page as the phone reads it, with nothing cached."""
    from django.core.cache import cache

    from allocation.quota_sheets import quota_sheet

    cache.clear()
    cycle.refresh_from_db()
    sheet = quota_sheet(retailer=retailer, cycle=cycle)
    if sheet.cartons <= 0:
        raise SystemExit("the first read found no quotas")


def backend_peak() -> str:
    """The PostgreSQL backend of this connection: its peak resident memory (VmHWM)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return "PostgreSQL backend: not readable"
    peak = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
    return f"PostgreSQL backend {int(peak) / 1024:,.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", nargs="+", default=["15000x90", "50000x300", "500000x100"])
    parser.add_argument(
        "--workers", type=int, default=0, help="fan out as a Celery chord on a real worker with N processes (Redis)"
    )
    args = parser.parse_args()
    if len(args.cases) > 1:
        for case in args.cases:
            subprocess.run([sys.executable, __file__, "--cases", case, "--workers", str(args.workers)], check=True)
        return
    retailers, products = (int(x) for x in args.cases[0].split("x"))
    if args.workers:
        os.environ["CELERY_BROKER_URL"] = os.environ["CELERY_RESULT_BACKEND"] = REDIS
        os.environ["ALLOCATION_GROUP_SIZE"] = str(-(-products // args.workers))  # one group per worker process
    with fresh_database(f"bench_allocation_{retailers}"):
        setup(retailers, products)
        with celery_workers(args.workers) if args.workers else contextlib.nullcontext():
            measure(retailers, products, args.workers)


if __name__ == "__main__":
    main()
