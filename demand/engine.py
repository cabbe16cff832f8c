"""Demand reports' arithmetic (docs/domain.md §9), pure: the starting value a retailer is offered and the
tier demand shape that blends reported demand with orders."""

from __future__ import annotations

import numpy as np
import pandas as pd


def suggested_cartons(orders: pd.DataFrame) -> dict[int, int]:
    """Product → the cartons a report form starts from: the retailer's mean order per cycle it ordered in.

    `orders`: the retailer's order lines of the recent cycles (`cycle`, `product`, `ordered_qty`). A
    cycle counts when the retailer ordered anything in it (so a biweekly shop, or a week it skipped, does
    not halve its usual order); the mean is rounded half up (2.5 → 3). Products with nothing ordered are
    absent (the form leaves them blank)."""
    found = suggestions(orders.assign(retailer=0))
    return {int(p): int(c) for p, c in zip(found["product"], found["suggested"], strict=True)}


def suggestions(orders: pd.DataFrame) -> pd.DataFrame:
    """`suggested_cartons` for many retailers at once: `orders` with a `retailer` column; one row per
    retailer and product it ordered (`retailer`, `product`, `suggested`)."""
    columns = ["retailer", "product", "suggested"]
    qty = orders["ordered_qty"].astype(np.int64) if len(orders) else pd.Series(dtype=np.int64)
    bought = orders[qty > 0]
    if bought.empty:
        return pd.DataFrame({c: pd.Series(dtype=np.int64) for c in columns})
    cycles = bought.groupby("retailer")["cycle"].nunique()
    totals = bought.assign(ordered_qty=qty[qty > 0]).groupby(["retailer", "product"])["ordered_qty"].sum().reset_index()
    n = totals["retailer"].map(cycles).to_numpy(np.int64)
    totals["suggested"] = (2 * totals["ordered_qty"].to_numpy(np.int64) + n) // (2 * n)  # half up, in integers
    return totals[columns].astype(np.int64)


def blended_shape(
    ordered: np.ndarray | None,
    reported_sum: np.ndarray,
    reporters: np.ndarray,
    *,
    weight: float,
    weeks: int,
) -> np.ndarray | None:
    """One product's demand per retailer per tier (30 values, D1 first) from orders and reports.

    `ordered`: the mean cartons ordered over the last `weeks` cycles per retailer that ordered, per tier
    (uplifted where orders hit the quota), or None with no recent orders; `reported_sum` and `reporters`:
    per tier, the cartons reported for this cycle and the number of retailers that reported. With
    `weight` 0 or no report the shape is the orders' own (unchanged). Otherwise everything is in cartons per
    cycle (orders ÷ `weeks`) and, tier by tier: both known → (1 − weight) × orders + weight × the mean
    report; only one known → that one; neither → 0. Only the shape matters to the caps (it is scaled to
    the target), so a shape from orders alone may stay in its own unit."""
    reporters = np.asarray(reporters, dtype=np.int64)
    if weight <= 0 or not reporters.any():
        return ordered
    reported = np.divide(
        np.asarray(reported_sum, dtype=float), reporters, out=np.zeros(len(reporters)), where=reporters > 0
    )
    if ordered is None:
        return reported
    per_cycle = np.asarray(ordered, dtype=float) / max(int(weeks), 1)
    has_orders = per_cycle > 0
    has_reports = reporters > 0
    both = has_orders & has_reports
    shape = np.where(has_reports, reported, per_cycle)
    shape[both] = (1 - weight) * per_cycle[both] + weight * reported[both]
    return shape
