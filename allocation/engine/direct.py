"""Methods without tier caps: D (by demand) and E (selected retailers). Pure numpy/pandas.

Both give each retailer a quota directly and never release more than the target.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .rules import shuffle_key


def share_out(wants: np.ndarray, target: int, priority: np.ndarray) -> np.ndarray:
    """Whole cartons in proportion to `wants`, summing to min(target, round(Σ wants)).

    Each gets the floor of its share; the cartons left go one each by largest remainder, then
    by `priority` (higher first). Never more than the target, never more than demand rounds to.
    """
    wants = np.maximum(np.asarray(wants, float), 0)
    total = min(int(target), int(round(float(wants.sum())))) if len(wants) else 0
    if total <= 0:
        return np.zeros(len(wants), dtype=np.int64)
    exact = wants * (total / wants.sum())
    whole = np.floor(exact).astype(np.int64)
    order = np.lexsort((-np.asarray(priority, float), -(exact - whole)))
    whole[order[: total - int(whole.sum())]] += 1
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


def demand_quotas(forecast: pd.Series, target: int, tiers: pd.Series, seed: int) -> pd.Series:
    """Method D: quotas from forecast demand, scaled down to the target when demand exceeds it."""
    forecast = forecast[forecast > 0]
    ids = forecast.index.to_numpy(np.int64)
    priority = tiers.reindex(forecast.index).fillna(0).to_numpy() * 2**32 + shuffle_key(ids, seed)
    return pd.Series(share_out(forecast.to_numpy(), target, priority), index=forecast.index)


def selected_quotas(weights: pd.Series, tiers: pd.Series, target: int, seed: int) -> pd.Series:
    """Method E: the target shared evenly among the chosen retailers (by weight); leftovers to higher tiers."""
    ids = weights.index.to_numpy(np.int64)
    priority = tiers.reindex(weights.index).fillna(0).to_numpy() * 2**32 + shuffle_key(ids, seed)
    even = weights.to_numpy(float) * (target / max(float(weights.sum()), 1.0))
    return pd.Series(share_out(even, target, priority), index=weights.index)
