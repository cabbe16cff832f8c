"""The nightly inventory advice: sales, stock (counted or estimated) and this cycle's quota per
retailer × product, advised by `engine.advise`, written as a new AdviceRun that becomes current
only when complete (a failed night leaves the last good advice in place)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from allocation.selectors import published_allocation_run, quotas_frame
from core.db import bulk_write_frames, read_frame
from core.runs import result_make_current, results_prune, tracked_run
from cycles.calendar import cycle_monday
from cycles.models import OrderCycle
from cycles.selectors import current_cycle
from orders.models import Order
from stock.models import StockCount

from .engine.advice import Status, Targets, advise, estimate_stock
from .models import AdviceRun, InventoryAdvice

JOB = "inventory_advice"
SALES_WEEKS = 4
COUNT_MAX_AGE_WEEKS = 12
KEEP_RUNS = 3
COLUMNS = [
    "advice_run", "retailer", "product", "stock", "stock_is_estimate", "weekly_sales", "weeks_of_cover",
    "stock_to_sales", "status", "suggested_order", "quota", "diversion",
]  # fmt: skip


def _orders(since: dt.date, before: dt.date) -> pd.DataFrame:
    """Cartons ordered per retailer × product × cycle start (delivered stock; in steady state, sales)."""
    qn = connection.ops.quote_name
    frame = read_frame(
        f"SELECT o.retailer_id, o.product_id, c.starts_on, o.ordered_qty FROM {qn(Order._meta.db_table)} o "  # noqa: S608
        f"JOIN {qn(OrderCycle._meta.db_table)} c ON c.id = o.cycle_id WHERE c.starts_on >= %s AND c.starts_on < %s",
        [since, before],
        ["retailer", "product", "starts_on", "cartons"],
    )
    frame["starts_on"] = pd.to_datetime(frame["starts_on"]).dt.date
    frame["cartons"] = frame["cartons"].astype(np.int64)
    return frame


def _latest_counts(today: dt.date) -> pd.DataFrame:
    since = today - dt.timedelta(weeks=COUNT_MAX_AGE_WEEKS)
    rows = (
        StockCount.objects.filter(counted_on__gte=since, counted_on__lte=today)
        .order_by("retailer_id", "product_id", "-counted_on", "-pk")
        .distinct("retailer_id", "product_id")
        .values_list("retailer_id", "product_id", "counted_on", "cartons")
        if connection.vendor == "postgresql"
        else StockCount.objects.filter(counted_on__gte=since, counted_on__lte=today).values_list(
            "retailer_id", "product_id", "counted_on", "cartons"
        )
    )
    frame = pd.DataFrame(list(rows), columns=["retailer", "product", "counted_on", "count"])
    if connection.vendor != "postgresql" and not frame.empty:
        frame = frame.sort_values("counted_on").drop_duplicates(["retailer", "product"], keep="last")
    return frame


def advice_inputs(*, today: dt.date, quotas: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per retailer × product with recent orders, a stock count or a quota: weekly_sales,
    stock, stock_is_estimate, quota. `quotas` (retailer, product, quota) defaults to the current
    cycle's published quotas."""
    this_cycle = cycle_monday(today)
    window_start = this_cycle - dt.timedelta(weeks=max(SALES_WEEKS, COUNT_MAX_AGE_WEEKS))
    orders = _orders(window_start, today + dt.timedelta(days=1))
    # Sales: the last SALES_WEEKS complete cycles (this cycle's ordering is still under way).
    recent = orders[
        (orders["starts_on"] >= this_cycle - dt.timedelta(weeks=SALES_WEEKS)) & (orders["starts_on"] < this_cycle)
    ]
    sales = recent.groupby(["retailer", "product"])["cartons"].sum().div(SALES_WEEKS).rename("weekly_sales")
    counts = _latest_counts(today).set_index(["retailer", "product"])
    if quotas is None:
        quotas = _current_quotas(today)
    quota = quotas.groupby(["retailer", "product"])["quota"].sum()
    pairs = pd.concat([s.index.to_frame(index=False) for s in (sales, counts, quota)], ignore_index=True)
    keys = pd.MultiIndex.from_frame(pairs.drop_duplicates().astype(np.int64), names=["retailer", "product"])
    frame = pd.DataFrame(index=keys)
    frame["weekly_sales"] = sales.reindex(keys).fillna(0.0)
    frame["quota"] = quota.reindex(keys).fillna(0).astype(np.int64)
    counted_on = counts["counted_on"].reindex(keys) if not counts.empty else pd.Series(pd.NaT, index=keys)
    last = counts["count"].reindex(keys).fillna(0).astype(float) if not counts.empty else pd.Series(0.0, index=keys)
    # Deliveries since the count (or over the sales window when never counted) and the weeks since then.
    start = pd.to_datetime(counted_on).fillna(pd.Timestamp(this_cycle - dt.timedelta(weeks=SALES_WEEKS)))
    delivered = orders.assign(starts_on=pd.to_datetime(orders["starts_on"])).merge(
        start.rename("since").reset_index(), on=["retailer", "product"]
    )
    delivered = (
        delivered[delivered["starts_on"] >= delivered["since"]].groupby(["retailer", "product"])["cartons"].sum()
    )
    weeks = (pd.Timestamp(today) - start).dt.days / 7
    frame["stock"] = estimate_stock(last, delivered.reindex(keys).fillna(0), frame["weekly_sales"], weeks).astype(
        np.int64
    )
    frame["stock_is_estimate"] = counted_on.isna().to_numpy() | (weeks > 1).to_numpy()
    return frame.reset_index()


def _current_quotas(today: dt.date) -> pd.DataFrame:
    cycle = current_cycle(today)
    allocation_run = published_allocation_run(cycle) if cycle else None
    if allocation_run is None:
        return pd.DataFrame(columns=["retailer", "product", "quota"])
    return quotas_frame(allocation_run)[["retailer", "product", "quota"]]


def inventory_advice_nightly(*, today: dt.date | None = None, targets: Targets | None = None) -> dict:
    """Advise every retailer × product; the new advice becomes current only once fully written."""
    today = today or timezone.localdate()
    with tracked_run(job=JOB, scope=today.isoformat()) as run:
        run.stage("inputs", 5)
        frame = advice_inputs(today=today)
        run.stage("advise", 60)
        advised = advise(frame, targets or Targets())
        advised = advised[advised["status"] != Status.NO_SALES]  # nothing sold, nothing in stock: no advice
        run.stage("write", 70)
        with transaction.atomic():
            advice_run = AdviceRun.objects.create(run=run.run, as_of=today)
            bulk_write_frames(InventoryAdvice, COLUMNS, [advised.assign(advice_run=advice_run.pk)])
            result_make_current(AdviceRun, advice_run.pk)
        results_prune(AdviceRun, keep=KEEP_RUNS)
        counts = {"rows": len(advised), "retailers": int(advised["retailer"].nunique())}
        counts.update({f"status_{int(k)}": int(v) for k, v in advised["status"].value_counts().items()})
        counts["diversion_alerts"] = int(advised["diversion"].sum())
        run.count(**counts)
    return counts
