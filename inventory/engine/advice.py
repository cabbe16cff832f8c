"""Inventory advice per retailer × product (docs/domain.md §6). Pure pandas/numpy, no Django.

Input frame, one row per retailer × product: weekly_sales (cartons a week, recent average),
stock (cartons; NaN when unknown: never counted, or the last count too old to carry forward),
quota (this cycle's quota, 0 if none) and, optionally, orderable (False for a product no longer
supplied: withdrawn, 退市; True for every row when the column is absent). Output adds weeks_of_cover (stock ÷ weekly sales),
stock_to_sales (stock ÷ a month's sales, as docs/domain.md's bounds are monthly), status,
suggested_order and diversion.

Status, in order of precedence:
- NO_SALES: nothing sold recently and no stock known — nothing to advise;
- SLOW: stock but no recent sales (slow-moving: stop ordering, sell what is there);
- UNKNOWN: selling, but the stock is unknown — ask for a count; never called short;
- a product no longer supplied (not orderable) is never SHORT, OVER or HEALTHY: with stock it is
  SLOW (sell what is left; the pages say it is withdrawn), with none left NO_SALES (nothing to
  advise);
- SHORT: a fast seller (at least `fast_weekly` cartons a week) with cover below `short_weeks`;
- OVER: cover above `over_weeks` (over-stocked);
- HEALTHY otherwise (a slow seller with little left is healthy: it gets its small order).
suggested order = max(0, weekly sales × (1 + target weeks) − stock), rounded half-up to whole
cartons, clipped to the quota. With the stock unknown: the weekly sales rounded down (what the
shop sells in a cycle, keeping supply slightly tight until someone counts). A product no longer
supplied gets 0, whatever its quota. A diversion alert (whether supplied or not):
stock above `diversion_weeks` of sales (or any stock above that many cartons when nothing
sells) — more than the shop can sell itself; never on an unknown stock.

Inputs are checked at the boundary: a NaN, infinite or negative sale or quota, or a negative or
infinite stock, or an orderable that is not true or false, raises AdviceInputError naming the
column and the first bad row.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import pandas as pd

WEEKS_PER_MONTH = 52 / 12
EPSILON = 1e-9  # float noise: 2.4999999999 from 1.1 × 2.5 − 0.25 still rounds as 2.5 does


class Status(IntEnum):
    NO_SALES = 0
    SLOW = 1
    SHORT = 2
    HEALTHY = 3
    OVER = 4
    UNKNOWN = 5


@dataclass(frozen=True)
class Targets:
    target_weeks: float = 1.5  # healthy cover: 1–2 order cycles (docs/domain.md §6)
    short_weeks: float = 0.5
    over_weeks: float = 3.0
    diversion_weeks: float = 8.0
    slow_min_stock: int = 1
    fast_weekly: float = 1.0  # a "fast seller" sells at least this many cartons a week


class AdviceInputError(ValueError):
    """An input the advice cannot use; the message names the column, the count and the first bad row."""


def round_half_up(values) -> np.ndarray:
    """Half-up to whole numbers, as a person rounds (2.5 → 3, 7.5 → 8; np.round gives 2 and 8)."""
    return np.floor(np.asarray(values, dtype=float) + 0.5 + EPSILON)


def _checked(
    frame: pd.DataFrame, column: str, *, unknown_allowed: bool = False, rows: np.ndarray | None = None
) -> np.ndarray:
    """The column as floats; NaN only where `unknown_allowed` (it then means "unknown"). Only
    `rows` (a mask) are checked when given."""
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = np.isinf(values) | (values < 0)
    if not unknown_allowed:
        bad |= np.isnan(values)
    if rows is not None:
        bad &= rows
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise AdviceInputError(
            f"{column}: {int(bad.sum())} row(s) not a number ≥ 0 "
            f"(first at row {first + 1}: {frame[column].iloc[first]})"
        )
    return values


def _orderable(frame: pd.DataFrame) -> np.ndarray:
    """The `orderable` column as booleans (all True when absent); anything but true/false refused."""
    if "orderable" not in frame.columns:
        return np.ones(len(frame), dtype=bool)
    values = frame["orderable"]
    bad = (values.isna() | ~values.isin([True, False])).to_numpy(dtype=bool)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise AdviceInputError(
            f"orderable: {int(bad.sum())} row(s) not true or false (first at row {first + 1}: {values.iloc[first]})"
        )
    return values.to_numpy(dtype=bool)


def advise(frame: pd.DataFrame, targets: Targets | None = None) -> pd.DataFrame:
    targets = targets or Targets()
    sales = _checked(frame, "weekly_sales")
    stock = _checked(frame, "stock", unknown_allowed=True)
    quota = _checked(frame, "quota")
    orderable = _orderable(frame)
    known = ~np.isnan(stock)
    selling = sales > 0
    fast = sales >= targets.fast_weekly
    cover = np.divide(stock, sales, out=np.full(len(frame), np.inf), where=selling & known)
    cover = np.where(~selling & known & (stock <= 0), 0.0, cover)
    status = np.select(
        [
            ~selling & ~(known & (stock >= targets.slow_min_stock)),
            ~selling,
            ~known,
            ~orderable & (stock >= targets.slow_min_stock),
            ~orderable,
            fast & (cover < targets.short_weeks),
            cover > targets.over_weeks,
        ],
        [Status.NO_SALES, Status.SLOW, Status.UNKNOWN, Status.SLOW, Status.NO_SALES, Status.SHORT, Status.OVER],
        default=Status.HEALTHY,
    ).astype(np.int16)
    stock_or_zero = np.where(known, stock, 0.0)
    wanted = np.where(
        known,
        round_half_up(np.maximum(0.0, sales * (1 + targets.target_weeks) - stock_or_zero)),
        np.floor(sales + EPSILON),
    )
    suggested = np.where(orderable, np.minimum(wanted, np.floor(quota)), 0).astype(np.int64)
    diversion = known & np.where(selling, cover > targets.diversion_weeks, stock_or_zero > targets.diversion_weeks)
    return frame.assign(
        weeks_of_cover=np.where(np.isinf(cover) | ~known, np.nan, cover),
        stock_to_sales=np.divide(
            stock, sales * WEEKS_PER_MONTH, out=np.full(len(frame), np.nan), where=selling & known
        ),
        status=status,
        suggested_order=suggested,
        diversion=diversion,
    )


def estimate_stock(
    last_count: pd.Series, deliveries_since: pd.Series, weekly_sales: pd.Series, weeks_since: pd.Series
) -> pd.Series:
    """Last count + deliveries since − estimated sales since, never below zero, rounded half-up to
    whole cartons (docs/domain.md §6). NaN where there is no count to carry forward: the stock is
    unknown, not zero. The other inputs must be numbers ≥ 0 wherever there is a count."""
    inputs = pd.DataFrame(
        {"last_count": last_count, "deliveries_since": deliveries_since, "weekly_sales": weekly_sales,
         "weeks_since": weeks_since}
    )  # fmt: skip
    counted = ~np.isnan(_checked(inputs, "last_count", unknown_allowed=True))
    for column in ("deliveries_since", "weekly_sales", "weeks_since"):
        _checked(inputs, column, rows=counted)
    estimate = (last_count + deliveries_since - weekly_sales * weeks_since).clip(lower=0)
    return pd.Series(np.where(counted, round_half_up(estimate.fillna(0)), np.nan), index=last_count.index)
