"""Customer value segments (docs/domain.md §9 "As built").

Per active retailer, over the window (the last `window_weeks` complete weeks):

- **current value**: the gross profit it earned in the window (fen), with its cartons kept and its
  value per carton (purchase amount ÷ cartons, as in §7). A retailer whose first purchase on record
  falls inside the window (new, or back after a silence that began before everything read) is
  valued at its weekly average since that week × the window's weeks; one that bought nothing in the
  window is **idle**.
- **value percentile**: the share of the retailers given (the company's active retailers) whose
  value is strictly lower, × 100; ties share one percentile. **High value**: percentile ≥
  `value_cut` × 100 and not idle (the top half by default).
- **peer gap**: the median value of its peers (same tier and business format, the retailer itself
  and idle peers counted; with fewer than `min_peers` in the group, the same tier in every format;
  with fewer still, or no tier, no peers) less its own value, never below 0; **gap share** = gap ÷
  the peers' median (0 when the median is 0 or less).
- **trend**: the window's gross profit ÷ that of the `window_weeks` before − 1; only when those weeks
  were all read, their profit is above 0 and the retailer is not new.
- **High potential**: gap share ≥ `gap_cut` or trend ≥ `trend_cut`.

Segments: **keep** = high value, low potential; **develop** = high value, high potential; **grow** =
low value, high potential; **watch** = low value, low potential, and every idle retailer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import pandas as pd

from profitability.engine.figures import round_half_up

from .weeks import matrix, refuse_missing


class Segment(IntEnum):
    KEEP = 1
    DEVELOP = 2
    GROW = 3
    WATCH = 4


class State(IntEnum):
    REGULAR = 0
    NEW = 1  # first purchase on record inside the window: valued at its weekly average since
    IDLE = 2  # nothing bought in the window


class PeerBasis(IntEnum):
    NONE = 0
    TIER_FORMAT = 1
    TIER = 2  # too few of its own format: every format of its tier


@dataclass(frozen=True)
class SegmentRules:
    window_weeks: int = 13
    value_cut: float = 0.5  # high value: earns more than at least this share of the retailers
    gap_cut: float = 0.25  # high potential: earns at least this share less than its peers' median
    trend_cut: float = 0.10  # … or grew at least this much on the weeks before
    min_peers: int = 5  # a peer group smaller than this (the retailer counted) is too small

    def __post_init__(self) -> None:
        if self.window_weeks < 1 or self.min_peers < 1:
            raise ValueError("segments: the window and the least peer group are at least 1")
        if not 0 <= self.value_cut <= 1 or self.gap_cut < 0:
            raise ValueError("segments: value_cut lies in [0, 1] and gap_cut is not negative")


COLUMNS = [
    "retailer", "cartons", "gross_profit", "value_per_carton", "state", "history_weeks", "value",
    "value_percentile", "peer_basis", "peer_count", "peer_median", "peer_gap", "gap_share", "trend",
    "high_value", "high_potential", "segment",
]  # fmt: skip


def value_segments(
    weekly: pd.DataFrame, retailers: pd.DataFrame, weeks: Sequence, rules: SegmentRules = SegmentRules()
) -> pd.DataFrame:
    """One row per retailer of `retailers` (COLUMNS; money in fen).

    weekly: retailer, starts_on, cartons (kept), gross_profit, cost (fen), one row per retailer and
        week at most; weeks a shop did not buy in have zeros or no row; NaN is refused.
    retailers: retailer, tier (NaN or 0: none), business_format.
    weeks: the first day of every complete week read, oldest first (weeks nobody bought in too): the
        last `window_weeks` are the window, up to `window_weeks` before it the trend's base.
    """
    refuse_missing(weekly, ["retailer", "starts_on", "cartons", "gross_profit", "cost"], "segments")
    ids = retailers["retailer"].to_numpy(np.int64)
    n_window = min(rules.window_weeks, len(weeks))
    cartons = matrix(weekly, "cartons", ids, weeks)
    profit = matrix(weekly, "gross_profit", ids, weeks)
    cost = matrix(weekly, "cost", ids, weeks)
    window = slice(len(weeks) - n_window, len(weeks))
    before = slice(max(0, len(weeks) - n_window - rules.window_weeks), len(weeks) - n_window)

    bought = cartons > 0
    window_cartons = cartons[:, window].sum(axis=1)
    window_profit = profit[:, window].sum(axis=1)
    window_cost = cost[:, window].sum(axis=1)
    idle = ~bought[:, window].any(axis=1)
    first = np.where(bought.any(axis=1), bought.argmax(axis=1), len(weeks))  # first week bought on record
    history = np.clip(len(weeks) - first, 0, n_window)
    new = ~idle & (history < n_window)
    state = np.where(idle, State.IDLE, np.where(new, State.NEW, State.REGULAR)).astype(np.int64)
    value = np.where(new, round_half_up(window_profit * n_window / np.maximum(history, 1)), window_profit)

    with np.errstate(divide="ignore", invalid="ignore"):
        per_carton = np.where(window_cartons > 0, round_half_up(window_cost / np.maximum(window_cartons, 1)), np.nan)
        base_profit = profit[:, before].sum(axis=1)
        full_base = (before.stop - before.start) == rules.window_weeks
        trend = np.where(
            full_base & (base_profit > 0) & (state == State.REGULAR), window_profit / base_profit - 1, np.nan
        )

    n = len(ids)
    lower = pd.Series(value).rank(method="min").to_numpy() - 1  # retailers strictly below
    percentile = lower / n * 100 if n else np.zeros(0)
    basis, count, median = _peers(value, retailers, rules.min_peers)
    gap = np.where(basis != PeerBasis.NONE, np.maximum(median - value, 0), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(basis == PeerBasis.NONE, np.nan, np.where(median > 0, gap / median, 0.0))
    high_value = ~idle & (percentile >= rules.value_cut * 100)
    high_potential = (np.nan_to_num(share, nan=-1) >= rules.gap_cut) | (
        np.nan_to_num(trend, nan=-np.inf) >= rules.trend_cut
    )
    segment = np.select(
        [idle, high_value & ~high_potential, high_value & high_potential, high_potential],
        [Segment.WATCH, Segment.KEEP, Segment.DEVELOP, Segment.GROW],
        Segment.WATCH,
    ).astype(np.int64)
    return pd.DataFrame(
        {
            "retailer": ids, "cartons": window_cartons.astype(np.int64), "gross_profit": window_profit,
            "value_per_carton": per_carton, "state": state, "history_weeks": np.where(idle, 0, history).astype(np.int64),
            "value": value, "value_percentile": percentile, "peer_basis": basis, "peer_count": count,
            "peer_median": median, "peer_gap": gap, "gap_share": share, "trend": trend,
            "high_value": high_value, "high_potential": high_potential, "segment": segment,
        }
    )[COLUMNS]  # fmt: skip


def _peers(value: np.ndarray, retailers: pd.DataFrame, min_peers: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per retailer: which peer group it is measured against, its size and its median value (fen,
    half-up), the retailer itself counted."""
    tier = pd.to_numeric(retailers["tier"], errors="coerce").fillna(0).to_numpy(np.int64)
    fmt = retailers["business_format"].fillna("").astype(str).to_numpy()
    frame = pd.DataFrame({"tier": tier, "fmt": fmt, "value": value})
    by_format = frame.groupby(["tier", "fmt"])["value"]
    by_tier = frame.groupby("tier")["value"]
    size_f, median_f = by_format.transform("size").to_numpy(), by_format.transform("median").to_numpy()
    size_t, median_t = by_tier.transform("size").to_numpy(), by_tier.transform("median").to_numpy()
    has_tier = tier > 0
    use_f = has_tier & (size_f >= min_peers)
    use_t = has_tier & ~use_f & (size_t >= min_peers)
    basis = np.select([use_f, use_t], [PeerBasis.TIER_FORMAT, PeerBasis.TIER], PeerBasis.NONE).astype(np.int64)
    count = np.select([use_f, use_t], [size_f, size_t], 0).astype(np.int64)
    median = np.select([use_f, use_t], [median_f, median_t], np.nan).astype(np.float64)
    return basis, count, round_half_up(median)


def visit_weeks(segment: np.ndarray, risk: np.ndarray, *, every: dict[int, int], risk_level: int) -> np.ndarray:
    """How often to visit each shop (weeks between visits): its segment's frequency (`every`), made
    more frequent by churn risk, never less frequent. A risk at or above `risk_level` (the policy's
    visit level) → as often as the most frequently visited segment; a risk at or above half of it →
    at least as often as the next most frequent (so, with the defaults 1/2/2/4 and 40: risk ≥ 40
    every week, 20–39 at least every 2 weeks). A shop losing orders is never visited less often than
    a healthy one."""
    segment = np.asarray(segment, dtype=np.int64)
    risk = np.asarray(risk, dtype=np.float64)
    if np.isnan(risk).any():
        raise ValueError("visit weeks: a churn risk is missing")
    by_segment = np.array([every[int(s)] for s in segment], dtype=np.int64)
    frequencies = sorted(set(every.values()))
    fastest = frequencies[0]
    next_fastest = frequencies[1] if len(frequencies) > 1 else fastest
    cap = np.where(risk >= risk_level, fastest, np.where(risk * 2 >= risk_level, next_fastest, by_segment))
    return np.minimum(by_segment, cap).astype(np.int64)
