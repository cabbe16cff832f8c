"""Methods without tier caps: D (by demand) and E (selected retailers). Pure numpy/pandas.

Both give each retailer a quota directly and never release more than the target.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .rules import shuffle_key


def share_out(wants: np.ndarray, target: int, priority: np.ndarray, most: np.ndarray | None = None) -> np.ndarray:
    """Whole cartons in proportion to `wants`, summing to min(target, round(Σ wants)), none above `most`.

    Each gets the floor of its share; the cartons left go one each by largest remainder, then
    by `priority` (higher first). Never more than the target, never more than demand rounds to.
    `most` (whole cartons; NaN or absent = no bound) caps each share: what a capped share cannot
    take goes to the others in proportion (never above their own bound), and a total the bounds
    cannot hold is cut to what they hold.
    """
    wants = np.maximum(np.asarray(wants, float), 0)
    n = len(wants)
    bound = np.full(n, np.inf) if most is None else np.asarray(most, float)
    bound = np.where(np.isnan(bound), np.inf, np.floor(np.maximum(bound, 0)))
    wants = np.minimum(wants, bound)
    total = min(int(target), int(round(float(wants.sum())))) if n else 0
    if total <= 0:
        return np.zeros(n, dtype=np.int64)
    exact = wants * (total / wants.sum())
    capped = np.zeros(n, dtype=bool)
    while True:  # water-filling: each pass caps at least one more share, or stops
        over = ~capped & (exact > bound)
        if not over.any():
            break
        capped |= over
        exact[capped] = bound[capped]
        free = ~capped
        room = float(wants[free].sum())
        rest = total - float(bound[capped].sum())
        exact[free] = wants[free] * (rest / room) if room > 0 and rest > 0 else 0.0
    whole = np.minimum(np.floor(exact), bound).astype(np.int64)
    left = total - int(whole.sum())
    if left > 0:
        open_ = np.flatnonzero(whole < bound)
        order = open_[np.lexsort((-np.asarray(priority, float)[open_], -(exact - whole)[open_]))]
        whole[order[:left]] += 1
    return whole


def forecast_demand(history: pd.DataFrame, *, cycles: int, censored_uplift: float) -> pd.Series:
    """Expected cartons per retailer from its recent orders of one product.

    `history`: one row per past order line (retailer, ordered_qty, quota), over the last `cycles`
    cycles. An order that reached its quota is censored (true demand was at least that), so it
    counts `censored_uplift` more. The mean is over all `cycles` (a cycle without an order is 0).
    """
    if history.empty:
        return pd.Series(dtype=float)
    qty = history["ordered_qty"].astype(float)
    quota = history["quota"]
    censored = quota.notna() & (qty >= quota.fillna(np.inf))
    seen = qty.where(~censored, qty * (1 + censored_uplift))
    return seen.groupby(history["retailer"]).sum() / max(cycles, 1)


def demand_wants(forecast: pd.Series, reported: pd.Series | None) -> pd.Series:
    """Method D's demand per retailer: what it reported for the cycle where it reported (a report of 0 is
    0), its forecast from orders elsewhere."""
    if reported is None:
        return forecast
    reported = reported.reindex(forecast.index)
    return reported.where(reported.notna(), forecast).astype(float)


def demand_quotas(
    forecast: pd.Series, target: int, tiers: pd.Series, seed: int, reported: pd.Series | None = None
) -> pd.Series:
    """Method D: quotas from demand, scaled down to the target when demand exceeds it.

    `forecast`: each retailer's demand (`demand_wants`: its report where it reported); `reported`: its
    report (NaN or absent where none), which is a ceiling: a retailer never gets more than it reported."""
    forecast = forecast[forecast > 0]
    ids = forecast.index.to_numpy(np.int64)
    priority = tiers.reindex(forecast.index).fillna(0).to_numpy() * 2**32 + shuffle_key(ids, seed)
    most = None if reported is None else reported.reindex(forecast.index).to_numpy(float)
    return pd.Series(share_out(forecast.to_numpy(), target, priority, most), index=forecast.index)


def selected_quotas(weights: pd.Series, tiers: pd.Series, target: int, seed: int) -> pd.Series:
    """Method E: the target shared evenly among the chosen retailers (by weight); leftovers to higher tiers."""
    ids = weights.index.to_numpy(np.int64)
    priority = tiers.reindex(weights.index).fillna(0).to_numpy() * 2**32 + shuffle_key(ids, seed)
    even = weights.to_numpy(float) * (target / max(float(weights.sum()), 1.0))
    return pd.Series(share_out(even, target, priority), index=weights.index)
