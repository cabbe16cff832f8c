"""Inventory advice per retailer × product (docs/domain.md §6). Pure pandas/numpy, no Django.

Input frame, one row per retailer × product: weekly_sales (cartons a week, recent average),
stock (cartons), quota (this cycle's quota, 0 if none). Output adds weeks_of_cover (stock ÷
weekly sales), stock_to_sales (stock ÷ a month's sales, as docs/domain.md's bounds are monthly),
status, suggested_order and diversion.

Status, in order of precedence:
- NO_SALES: nothing sold recently and nothing in stock — nothing to advise;
- SLOW: stock but no recent sales (slow-moving: stop ordering, sell what is there);
- SHORT: cover below `short_weeks` (a fast seller running out);
- OVER: cover above `over_weeks` (over-stocked);
- HEALTHY otherwise.
suggested order = max(0, weekly sales × (1 + target weeks) − stock), rounded to whole cartons,
clipped to the quota. A diversion alert: stock above `diversion_weeks` of sales (or any stock
above that many cartons when nothing sells) — more than the shop can sell itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import pandas as pd

WEEKS_PER_MONTH = 52 / 12


class Status(IntEnum):
    NO_SALES = 0
    SLOW = 1
    SHORT = 2
    HEALTHY = 3
    OVER = 4


@dataclass(frozen=True)
class Targets:
    target_weeks: float = 1.5  # healthy cover: 1–2 order cycles (docs/domain.md §6)
    short_weeks: float = 0.5
    over_weeks: float = 3.0
    diversion_weeks: float = 8.0
    slow_min_stock: int = 1


def advise(frame: pd.DataFrame, targets: Targets | None = None) -> pd.DataFrame:
    targets = targets or Targets()
    sales = frame["weekly_sales"].to_numpy(float)
    stock = frame["stock"].to_numpy(float)
    quota = frame["quota"].to_numpy(np.int64)
    selling = sales > 0
    cover = np.divide(stock, sales, out=np.full(len(frame), np.inf), where=selling)
    cover = np.where(~selling & (stock <= 0), 0.0, cover)
    status = np.select(
        [
            ~selling & (stock < targets.slow_min_stock),
            ~selling,
            cover < targets.short_weeks,
            cover > targets.over_weeks,
        ],
        [Status.NO_SALES, Status.SLOW, Status.SHORT, Status.OVER],
        default=Status.HEALTHY,
    ).astype(np.int16)
    wanted = np.maximum(0.0, sales * (1 + targets.target_weeks) - stock)
    suggested = np.minimum(np.round(wanted).astype(np.int64), quota)
    diversion = np.where(selling, cover > targets.diversion_weeks, stock > targets.diversion_weeks)
    return frame.assign(
        weeks_of_cover=np.where(np.isinf(cover), np.nan, cover),
        stock_to_sales=np.divide(stock, sales * WEEKS_PER_MONTH, out=np.full(len(frame), np.nan), where=selling),
        status=status,
        suggested_order=suggested,
        diversion=diversion,
    )


def estimate_stock(
    last_count: pd.Series, deliveries_since: pd.Series, weekly_sales: pd.Series, weeks_since: pd.Series
) -> pd.Series:
    """Last count + deliveries since − estimated sales since, never below zero (docs/domain.md §6)."""
    return (last_count + deliveries_since - weekly_sales * weeks_since).clip(lower=0).round()
