"""The nightly inventory advice: sales, stock (carried forward from a count, or unknown) and the
quota of the cycle each shop orders next per retailer × product, advised by `engine.advise`, written
as a new AdviceRun that becomes current only when complete (a failed night leaves the last good
advice in place). Each row keeps the cycle whose quota it counted, for the page to name it.

SALES_WEEKS and COUNT_MAX_AGE_WEEKS are `stock.selectors`' (the manager's visit reads the same
rule for the products that need a count)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from allocation.selectors import published_allocation_run, quotas_frame
from core.db import bulk_write_frames, read_frame
from core.nightly import keeps_own_run
from core.runs import result_make_current, results_prune, tracked_run
from cycles.calendar import cycle_monday
from cycles.models import OrderCycle
from cycles.selectors import current_cycle, next_ordering_cycle, published_cycles_ahead
from orders.models import Order
from pricing.models import Lifecycle, Product
from retailers.models import Retailer
from stock.selectors import COUNT_MAX_AGE_WEEKS, SALES_WEEKS, latest_counts

from .engine.advice import Status, Targets, advise, estimate_stock
from .models import COUNT_SOURCE_CODES, AdviceRun, InventoryAdvice

JOB = "inventory_advice"
KEEP_RUNS = 3
COLUMNS = [
    "advice_run", "retailer", "product", "stock", "stock_is_estimate", "weekly_sales", "weeks_of_cover",
    "stock_to_sales", "status", "suggested_order", "quota", "cycle", "diversion", "counted_cartons", "count_age_days",
    "count_source", "delivered_since", "sold_since",
]  # fmt: skip


def _orders(since: dt.date, before: dt.date) -> pd.DataFrame:
    """Cartons kept per retailer × product × cycle start: ordered less returned (delivered stock; in
    steady state, sales). A carton returned was neither stock nor a sale (docs/domain.md §6)."""
    qn = connection.ops.quote_name
    frame = read_frame(
        f"SELECT o.retailer_id, o.product_id, c.starts_on, o.ordered_qty - o.returned_qty "  # noqa: S608
        f"FROM {qn(Order._meta.db_table)} o "
        f"JOIN {qn(OrderCycle._meta.db_table)} c ON c.id = o.cycle_id WHERE c.starts_on >= %s AND c.starts_on < %s",
        [since, before],
        ["retailer", "product", "starts_on", "cartons"],
    )
    frame["starts_on"] = pd.to_datetime(frame["starts_on"]).dt.date
    frame = frame.astype({"retailer": np.int64, "product": np.int64, "cartons": np.int64})  # also when empty
    return frame


def advice_inputs(*, today: dt.date, quotas: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per retailer × product with recent orders, a stock count or a quota: weekly_sales,
    quota, the cycle the quota is of, stock and its basis. `quotas` (retailer, product, quota)
    defaults to the published quotas of the cycle each shop orders next (`shop_cycles`: the cycle
    its phone home shows), not today's cycle: a Friday shop whose ordering in this cycle closed on
    Thursday is advised within next cycle's quota, the one it orders in.

    The stock is carried forward from the latest count of any source within COUNT_MAX_AGE_WEEKS
    (`stock.selectors.latest_counts`): count + cartons kept (ordered − returned)
    delivered on or after the count's day (on the retailer's order day) − weekly sales × weeks since the count (`engine.estimate_stock`). With no such
    count it is unknown (NaN), never an estimate from deliveries alone (docs/domain.md §6). The
    basis is kept with it: counted_cartons, count_age_days, count_source, delivered_since,
    sold_since; stock_is_estimate when the count is not of today. orderable is False for a
    withdrawn product (退市): it is never advised short nor ordered."""
    this_cycle = cycle_monday(today)
    window_start = this_cycle - dt.timedelta(weeks=max(SALES_WEEKS, COUNT_MAX_AGE_WEEKS))
    orders = _orders(window_start, today + dt.timedelta(days=1))
    # Sales: the last SALES_WEEKS complete cycles (this cycle's ordering is still under way).
    recent = orders[
        (orders["starts_on"] >= this_cycle - dt.timedelta(weeks=SALES_WEEKS)) & (orders["starts_on"] < this_cycle)
    ]
    sales = recent.groupby(["retailer", "product"])["cartons"].sum().div(SALES_WEEKS).rename("weekly_sales")
    counts = latest_counts(today=today).set_index(["retailer", "product"])
    cycles = shop_cycles(today)
    if quotas is None:
        quotas = _shop_quotas(cycles)
    quota = quotas.groupby(["retailer", "product"])["quota"].sum()
    pairs = pd.concat([s.index.to_frame(index=False) for s in (sales, counts, quota)], ignore_index=True)
    keys = pd.MultiIndex.from_frame(pairs.drop_duplicates().astype(np.int64), names=["retailer", "product"])
    frame = pd.DataFrame(index=keys)
    frame["weekly_sales"] = sales.reindex(keys).fillna(0.0)
    frame["quota"] = quota.reindex(keys).fillna(0).astype(np.int64)
    frame["cycle"] = pd.Series(keys.get_level_values("retailer"), index=keys).map(cycles).astype(float)
    counted_on = pd.to_datetime(counts["counted_on"].reindex(keys))
    last = pd.to_numeric(counts["count"].reindex(keys)).astype(float)
    source = counts["source"].reindex(keys)
    # Deliveries on or after the count's day: a cycle's order arrives on the retailer's order day
    # (the cycle's Monday when it has none), so a count made mid-cycle before that day is followed
    # by that cycle's delivery, and one made on or after it already holds it.
    since = counted_on.dropna().rename("since").reset_index().astype({"retailer": np.int64, "product": np.int64})
    delivered = orders.assign(starts_on=pd.to_datetime(orders["starts_on"])).merge(since, on=["retailer", "product"])
    delivered["arrives_on"] = delivered["starts_on"] + pd.to_timedelta(
        delivered["retailer"].map(_order_day_offsets(delivered["retailer"].unique())).fillna(0), unit="D"
    )
    delivered = (
        delivered[delivered["arrives_on"] >= delivered["since"]].groupby(["retailer", "product"])["cartons"].sum()
    )
    known = last.notna()
    age_days = (pd.Timestamp(today) - counted_on).dt.days.astype(float)
    frame["delivered_since"] = delivered.reindex(keys).fillna(0).where(known)
    frame["sold_since"] = (frame["weekly_sales"] * age_days / 7).where(known)
    frame["stock"] = estimate_stock(last, frame["delivered_since"], frame["weekly_sales"], age_days / 7)
    frame["stock_is_estimate"] = (known & (age_days > 0)).to_numpy()
    frame["counted_cartons"] = last
    frame["count_age_days"] = age_days
    frame["count_source"] = source.map(COUNT_SOURCE_CODES).astype(float)
    withdrawn = Product.objects.filter(lifecycle=Lifecycle.WITHDRAWN).values_list("pk", flat=True)
    frame["orderable"] = ~keys.get_level_values("product").isin(list(withdrawn))
    return frame.reset_index()


def _order_day_offsets(retailer_ids) -> dict[int, int]:
    """Days from a cycle's Monday to each retailer's order day (Monday 0 … Sunday 6), where it has one."""
    ids = [int(r) for r in retailer_ids]
    rows = Retailer.objects.filter(order_weekday__isnull=False)
    if len(ids) <= 500:  # else the whole table in one read (no parameter list past SQLite's limit)
        rows = rows.filter(pk__in=ids)
    return {pk: day - 1 for pk, day in rows.values_list("pk", "order_weekday").iterator(chunk_size=20_000)}


def shop_cycles(today: dt.date) -> pd.Series:
    """Each retailer's cycle for the advice (an OrderCycle id by retailer id; NaN with no cycle at
    all): the cycle it orders next, by the rule its phone home follows (`portal.selectors.home_cycle`):
    the first published cycle not yet ended whose ordering window for the shop's rhythm and order day
    is open or yet to open on `today`, else today's cycle. Worked out once per rhythm and order day."""
    ahead = published_cycles_ahead(today)
    todays = current_cycle(today)
    shops = pd.DataFrame.from_records(
        Retailer.objects.values_list("pk", "order_cycle_kind", "order_week_parity", "order_weekday").iterator(
            chunk_size=20_000
        ),
        columns=["retailer", "rhythm", "parity", "weekday"],
    )
    if shops.empty:
        return pd.Series(dtype=float, index=pd.Index([], dtype=np.int64, name="retailer"), name="cycle")
    shops["weekday"] = pd.to_numeric(shops["weekday"]).fillna(0).astype(np.int64)  # 0: no order day
    chosen = {}
    for rhythm, parity, weekday in shops[["rhythm", "parity", "weekday"]].drop_duplicates().itertuples(index=False):
        cycle = next_ordering_cycle(
            cycles=ahead, today=today, rhythm=rhythm, parity=parity, weekday=int(weekday) or None
        ) or todays  # fmt: skip
        chosen[(rhythm, parity, weekday)] = np.nan if cycle is None else float(cycle.pk)
    keys = zip(shops["rhythm"], shops["parity"], shops["weekday"], strict=True)
    return pd.Series([chosen[key] for key in keys], index=shops["retailer"].astype(np.int64), name="cycle")


def _shop_quotas(cycles: pd.Series) -> pd.DataFrame:
    """Each retailer's published quotas in its cycle (`shop_cycles`), one cycle's run at a time."""
    parts = [pd.DataFrame({"retailer": [], "product": [], "quota": []}, dtype=np.int64)]
    for cycle_id, cycle in OrderCycle.objects.in_bulk([int(c) for c in cycles.dropna().unique()]).items():
        allocation_run = published_allocation_run(cycle)
        if allocation_run is None:
            continue
        quotas = quotas_frame(allocation_run)[["retailer", "product", "quota"]]
        parts.append(quotas[quotas["retailer"].map(cycles).eq(cycle_id).to_numpy()])
    return pd.concat(parts, ignore_index=True)


@keeps_own_run
def inventory_advice_nightly(
    *, today: dt.date | None = None, targets: Targets | None = None, quotas: pd.DataFrame | None = None
) -> dict:
    """Advise every retailer × product; the new advice becomes current only once fully written.
    `quotas` as for `advice_inputs` (default: each shop's published quotas of the cycle it orders next)."""
    today = today or timezone.localdate()
    with tracked_run(job=JOB, scope=today.isoformat()) as run:
        run.stage("inputs", 5)
        frame = advice_inputs(today=today, quotas=quotas)
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
