"""Churn risk (流失预警, docs/domain.md §9 "As built"): a score 0–100 per retailer, the weighted sum
of six signals each normalised to [0, 1]:

- **orders**: how far its cartons fell: 1 − (mean cartons a week over the last `recent_weeks`) ÷
  (mean over the `base_weeks` before them), clipped to [0, 1]; 0 when the base holds no cartons or
  no week (a shop cannot fall from nothing; a shop that never bought is the "no orders" alert's);
- **alerts**: the strongest of its profitability alerts: no orders 1, falling profit 0.5 (others 0);
- **unanswered**: its requests past their answer time and not resolved ÷ `unanswered_full`, at most 1;
- **repeated**: its requests in a category it had already asked about within 90 days ÷
  `repeated_full`, at most 1;
- **satisfaction**: (`satisfaction_good` − its group's index) ÷ (`satisfaction_good` −
  `satisfaction_bad`), clipped to [0, 1]. The group's, never the retailer's own: its manager's answers
  in its tier band in the latest closed wave, as that manager's results page shows them (at least 5
  answers; the service reads it); a retailer's own answers would be worked back from its score. Counted
  in the score, not named as a reason;
- **rating**: (`rating_good` − its mean rating of answers, 1–5) ÷ (`rating_good` − `rating_bad`),
  clipped to [0, 1].

A signal whose source is missing (no request or survey data, NaN) is 0. Points of a signal =
100 × weight × signal ÷ Σ weights; the score is the sum of the points rounded half-up. The
reasons are the signals with the most points (above 0), largest first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from profitability.engine.alerts import AlertKind
from profitability.engine.figures import round_half_up

from .weeks import matrix, refuse_missing

SIGNALS = ["orders", "alerts", "unanswered", "repeated", "satisfaction", "rating"]
HIDDEN = ("satisfaction",)  # not given as a reason: a group's figure, read on the survey results page
ALERT_SIGNAL = {AlertKind.NO_ORDERS: 1.0, AlertKind.FALLING_PROFIT: 0.5}
REQUEST_COLUMNS = ["open_overdue", "complaints_90d", "repeated_90d", "mean_rating"]


@dataclass(frozen=True)
class RiskRules:
    recent_weeks: int = 4
    base_weeks: int = 12
    unanswered_full: int = 1  # this many overdue requests make the signal 1
    repeated_full: int = 2
    satisfaction_good: float = 80.0  # at or above: no risk
    satisfaction_bad: float = 40.0  # at or below: full signal
    rating_good: float = 4.0
    rating_bad: float = 1.0
    weight_orders: float = 30.0
    weight_alerts: float = 20.0
    weight_unanswered: float = 15.0
    weight_repeated: float = 10.0
    weight_satisfaction: float = 15.0
    weight_rating: float = 10.0

    def __post_init__(self) -> None:
        weights = self.weights()
        if any(w < 0 or w != w for w in weights.values()) or sum(weights.values()) <= 0:
            raise ValueError("risk: weights are not negative and not all 0")
        if self.recent_weeks < 1 or self.base_weeks < 1 or self.unanswered_full < 1 or self.repeated_full < 1:
            raise ValueError("risk: the weeks and the counts of a full signal are at least 1")
        if self.satisfaction_good <= self.satisfaction_bad or self.rating_good <= self.rating_bad:
            raise ValueError("risk: a good satisfaction or rating lies above a bad one")

    def weights(self) -> dict[str, float]:
        return {name: float(getattr(self, f"weight_{name}")) for name in SIGNALS}


FIGURES = ["orders_recent", "orders_base", "orders_change", "no_orders", "idle_weeks", "profit_fall", "open_overdue",
           "repeated", "mean_rating", "satisfaction_index"]  # fmt: skip
COLUMNS = ["retailer", "risk", *[f"points_{s}" for s in SIGNALS], *FIGURES]


def churn_risk(
    weekly: pd.DataFrame,
    weeks: Sequence,
    retailers: pd.DataFrame,
    alerts: pd.DataFrame,
    requests: pd.DataFrame | None,
    satisfaction: pd.DataFrame | None,
    rules: RiskRules = RiskRules(),
) -> pd.DataFrame:
    """One row per retailer of `retailers` (COLUMNS).

    weekly: retailer, starts_on, cartons (kept); weeks: every complete week read, oldest first (the
        last `recent_weeks` are recent, up to `base_weeks` before them the base);
    alerts: retailer, kind, value, reference (profitability's alerts: NO_ORDERS' value is the weeks
        since the last order, FALLING_PROFIT's the last weeks' profit and its reference the weeks before);
    requests: indexed by retailer, REQUEST_COLUMNS, or None when there is no request data;
    satisfaction: indexed by retailer, `index` (0–100: its group's, never its own answers; NaN: none), or
        None when there is no survey data.
    """
    refuse_missing(weekly, ["retailer", "starts_on", "cartons"], "risk")
    ids = retailers["retailer"].to_numpy(np.int64)
    n = len(ids)
    cartons = matrix(weekly, "cartons", ids, weeks)
    n_recent = min(rules.recent_weeks, len(weeks))
    n_base = min(rules.base_weeks, len(weeks) - n_recent)
    recent = cartons[:, len(weeks) - n_recent :].sum(axis=1) / max(n_recent, 1)
    base = (
        cartons[:, len(weeks) - n_recent - n_base : len(weeks) - n_recent].sum(axis=1) / n_base
        if n_base
        else np.zeros(n)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(base > 0, recent / base - 1, np.nan)
    signal = {"orders": np.clip(np.nan_to_num(-change, nan=0.0), 0, 1)}

    kinds = alerts[alerts["retailer"].isin(ids)]
    strength = kinds["kind"].map(lambda k: ALERT_SIGNAL.get(int(k), 0.0)).astype(np.float64)
    signal["alerts"] = strength.groupby(kinds["retailer"].to_numpy()).max().reindex(ids).fillna(0).to_numpy()
    idle = kinds[kinds["kind"] == AlertKind.NO_ORDERS].drop_duplicates("retailer").set_index("retailer")["value"]
    falling = kinds[kinds["kind"] == AlertKind.FALLING_PROFIT].drop_duplicates("retailer").set_index("retailer")
    with np.errstate(divide="ignore", invalid="ignore"):
        fall = (1 - falling["value"] / falling["reference"]).where(falling["reference"] > 0)

    req = _indexed(requests, REQUEST_COLUMNS, ids)
    overdue, repeated, rating = req["open_overdue"], req["repeated_90d"], req["mean_rating"]
    signal["unanswered"] = np.clip(np.nan_to_num(overdue, nan=0.0) / rules.unanswered_full, 0, 1)
    signal["repeated"] = np.clip(np.nan_to_num(repeated, nan=0.0) / rules.repeated_full, 0, 1)
    index = _indexed(satisfaction, ["index"], ids)["index"]
    signal["satisfaction"] = _below(index, rules.satisfaction_good, rules.satisfaction_bad)
    signal["rating"] = _below(rating, rules.rating_good, rules.rating_bad)

    weights = rules.weights()
    total = sum(weights.values())
    points = {s: 100 * weights[s] * signal[s] / total for s in SIGNALS}
    score = round_half_up(sum(points.values())) if n else np.zeros(0)
    return pd.DataFrame(
        {
            "retailer": ids, "risk": np.clip(score, 0, 100).astype(np.int64),
            **{f"points_{s}": points[s] for s in SIGNALS},
            "orders_recent": recent, "orders_base": base, "orders_change": change,
            "no_orders": np.isin(ids, idle.index.to_numpy()),
            "idle_weeks": idle.reindex(ids).to_numpy(np.float64), "profit_fall": fall.reindex(ids).to_numpy(np.float64),
            "open_overdue": overdue, "repeated": repeated, "mean_rating": rating, "satisfaction_index": index,
        }
    )[COLUMNS]  # fmt: skip


def _indexed(frame: pd.DataFrame | None, columns: list[str], ids: np.ndarray) -> dict[str, np.ndarray]:
    """Columns of a frame indexed by retailer, in `ids` order (NaN where a retailer has no row or
    the frame is missing)."""
    if frame is None:
        return {c: np.full(len(ids), np.nan) for c in columns}
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"risk: the signals frame has no column {', '.join(missing)}")
    aligned = frame[columns].reindex(ids)
    return {c: pd.to_numeric(aligned[c], errors="coerce").to_numpy(np.float64) for c in columns}


def _below(values: np.ndarray, good: float, bad: float) -> np.ndarray:
    """How far below `good` towards `bad` (0 at or above good, 1 at or below bad, 0 for NaN)."""
    return np.clip(np.nan_to_num((good - values) / (good - bad), nan=0.0), 0, 1)


def top_reasons(points: dict[str, float], n: int = 3, hidden: Sequence[str] = HIDDEN) -> list[str]:
    """The signals with the most points (above 0), largest first; ties in the order of SIGNALS.
    `hidden` signals count in the score but are never given as a reason."""
    shown = [(-p, SIGNALS.index(s), s) for s, p in points.items() if s not in hidden and p == p and p > 0]
    return [s for _p, _i, s in sorted(shown)[:n]]
