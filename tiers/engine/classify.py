"""Tier classification engine: pure numpy/pandas, no Django.

Input: one row per retailer in the run (its purchases over the reference window and its
attributes); output: score, score parts, raw tier, tier after the rules, and the national
42-type code. Same input, same output: every sort is stable and ties are broken by id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

TIERS = 30
DEFAULT_SHARE_BANDS: tuple[tuple[int, int, float], ...] = (
    (26, 30, 0.09),
    (21, 25, 0.18),
    (16, 20, 0.23),
    (11, 15, 0.23),
    (1, 10, 0.27),
)
CREDIT_POINTS = {"AAA": 1.0, "AA": 0.8, "A": 0.6, "B": 0.4, "C": 0.2, "D": 0.0}
COMPONENTS = ("amount", "quantity", "value_per_carton", "credit", "compliance")
FORMAT_LETTERS = {"Z": "Z", "B": "B", "S": "S", "N": "N", "Y": "Y", "F": "F", "Q": "Q"}


@dataclass(frozen=True)
class Scheme:
    """How scores are made and turned into tiers (one company's rules)."""

    weights: dict[str, float] = field(
        default_factory=lambda: {
            "amount": 40.0,
            "quantity": 30.0,
            "value_per_carton": 30.0,
            "credit": 0.0,
            "compliance": 0.0,
        }
    )
    scoring: str = "rank"  # "rank": (2 − rank/N) × W (rank 1 = best); "minmax": (x − min)/(max − min) × W
    assignment: str = "share_bands"  # "share_bands" | "thresholds" | "volume_value"
    share_bands: tuple[tuple[int, int, float], ...] = DEFAULT_SHARE_BANDS
    thresholds: tuple[float, ...] = ()  # 29 ascending cut scores: tier = 1 + count(cut <= score)
    volume_bands: int = 10
    value_bands: int = 3
    move_limit: int | None = 3
    upgrades_cover_downgrades: bool = False


def _rank_score(values: np.ndarray, weight: float) -> np.ndarray:
    """(2 − rank/N) × W with rank 1 for the largest value; ties share the best rank."""
    n = len(values)
    if n == 0 or weight == 0:
        return np.zeros(n)
    ranks = pd.Series(values).rank(method="min", ascending=False).to_numpy()
    return (2 - ranks / n) * weight


def _minmax_score(values: np.ndarray, weight: float) -> np.ndarray:
    if len(values) == 0 or weight == 0:
        return np.zeros(len(values))
    low, high = np.min(values), np.max(values)
    if high == low:
        return np.full(len(values), weight / 2)
    return (values - low) / (high - low) * weight


def score(frame: pd.DataFrame, scheme: Scheme) -> pd.DataFrame:
    """Score parts and total per retailer. `frame` has amount, quantity, credit_rating, compliance."""
    amount = frame["amount"].to_numpy(dtype=float)
    quantity = frame["quantity"].to_numpy(dtype=float)
    raw = {
        "amount": amount,
        "quantity": quantity,
        "value_per_carton": np.divide(amount, quantity, out=np.zeros_like(amount), where=quantity > 0),
        "credit": frame["credit_rating"].map(CREDIT_POINTS).fillna(CREDIT_POINTS["AA"]).to_numpy(dtype=float),
        "compliance": frame["compliance"].fillna(1.0).to_numpy(dtype=float)
        if "compliance" in frame
        else np.ones(len(frame)),
    }
    part = _rank_score if scheme.scoring == "rank" else _minmax_score
    out = pd.DataFrame(index=frame.index)
    out["value_per_carton"] = raw["value_per_carton"]
    total = np.zeros(len(frame))
    for name in COMPONENTS:
        points = part(raw[name], float(scheme.weights.get(name, 0.0)))
        out[f"score_{name}"] = points
        total += points
    out["score"] = np.round(total, 6)
    return out


def _order_by_score(scores: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Positions sorted best first; equal scores by id (deterministic)."""
    return np.lexsort((ids, -scores))


def share_band_counts(n: int, bands: tuple[tuple[int, int, float], ...]) -> np.ndarray:
    """Retailers per tier (index 1..30): each band's share by largest remainder, split evenly inside it."""
    shares = np.array([b[2] for b in bands], dtype=float)
    shares = shares / shares.sum()
    exact = shares * n
    per_band = np.floor(exact).astype(int)
    remainder = n - per_band.sum()
    per_band[np.argsort(-(exact - per_band), kind="stable")[:remainder]] += 1
    counts = np.zeros(TIERS + 1, dtype=int)
    for (low, high, _), size in zip(bands, per_band, strict=True):
        width = high - low + 1
        base, extra = divmod(size, width)
        # the extra retailers of a band go to its upper tiers
        counts[low : high + 1] = base
        if extra:
            counts[high - extra + 1 : high + 1] += 1
    return counts


def fill_empty_tiers(counts: np.ndarray) -> np.ndarray:
    """With at least 30 retailers, no tier is left empty: take one from the fullest tier."""
    counts = counts.copy()
    if counts[1:].sum() < TIERS:
        return counts
    while (counts[1:] == 0).any():
        empty = 1 + int(np.flatnonzero(counts[1:] == 0)[0])
        fullest = 1 + int(np.argmax(counts[1:]))
        counts[fullest] -= 1
        counts[empty] += 1
    return counts


def tiers_from_counts(order: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Hand out tiers 30, 29, ... down the ranking, counts[t] retailers each."""
    tiers_desc = np.repeat(np.arange(TIERS, 0, -1), counts[TIERS:0:-1])
    out = np.empty(len(order), dtype=np.int16)
    out[order] = tiers_desc
    return out


def assign_share_bands(scores: np.ndarray, ids: np.ndarray, scheme: Scheme) -> np.ndarray:
    order = _order_by_score(scores, ids)
    counts = fill_empty_tiers(share_band_counts(len(scores), scheme.share_bands))
    tiers = tiers_from_counts(order, counts)
    return _equal_scores_equal_tiers(scores, order, tiers)


def _equal_scores_equal_tiers(scores: np.ndarray, order: np.ndarray, tiers: np.ndarray) -> np.ndarray:
    """Retailers with the same score get the same tier (the best one among them)."""
    sorted_scores = scores[order]
    sorted_tiers = tiers[order]
    group_start = np.r_[True, sorted_scores[1:] != sorted_scores[:-1]]
    group_id = np.cumsum(group_start) - 1
    best = np.maximum.reduceat(sorted_tiers, np.flatnonzero(group_start))
    out = np.empty_like(tiers)
    out[order] = best[group_id]
    return out


def assign_thresholds(scores: np.ndarray, scheme: Scheme) -> np.ndarray:
    cuts = np.asarray(scheme.thresholds, dtype=float)
    if len(cuts) != TIERS - 1 or (np.diff(cuts) < 0).any():
        raise ValueError("score thresholds need 29 ascending cut scores")
    return (1 + np.searchsorted(cuts, scores, side="right")).astype(np.int16)


def _quantile_bands(values: np.ndarray, ids: np.ndarray, bands: int) -> np.ndarray:
    """Band 1..bands by rank, equal shares, larger values higher."""
    n = len(values)
    order = np.lexsort((ids, values))  # ascending
    band = np.empty(n, dtype=np.int16)
    band[order] = 1 + (np.arange(n) * bands // max(n, 1))
    return band


def assign_volume_value(
    quantity: np.ndarray, value_per_carton: np.ndarray, ids: np.ndarray, scheme: Scheme
) -> np.ndarray:
    """10 volume bands × 3 value-per-carton bands: tier = (volume − 1) × 3 + value."""
    if scheme.volume_bands * scheme.value_bands != TIERS:
        raise ValueError("volume bands × value bands must make 30 tiers")
    volume = _quantile_bands(quantity, ids, scheme.volume_bands)
    value = _quantile_bands(value_per_carton, ids, scheme.value_bands)
    return ((volume - 1) * scheme.value_bands + value).astype(np.int16)


def apply_move_limit(raw: np.ndarray, old: np.ndarray, limit: int | None) -> np.ndarray:
    """At most `limit` tiers up or down; retailers without a tier (old = 0) are exempt."""
    if limit is None:
        return raw.copy()
    limited = np.clip(raw, old - limit, old + limit)
    return np.where(old > 0, np.clip(limited, 1, TIERS), raw).astype(np.int16)


def apply_upgrades_cover_downgrades(new: np.ndarray, old: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Cancel downgrades (those scoring best first) until downgrades ≤ upgrades."""
    new = new.copy()
    rated = old > 0
    ups = int(((new > old) & rated).sum())
    downs = np.flatnonzero((new < old) & rated)
    excess = len(downs) - ups
    if excess > 0:
        keep_old = downs[np.argsort(-scores[downs], kind="stable")[:excess]]
        new[keep_old] = old[keep_old]
    return new


def national_type(market_type: pd.Series, business_format: pd.Series, quantity: pd.Series) -> pd.Series:
    """The 42-type code: market (C urban / N rural) × format letter × scale 1–3 (large → small)
    by rank of purchase quantity within the same market type and format.

    A retailer whose quantity is unknown (NaN) gets no code (""), as one without a market type or
    format does, and is left out of its group's ranking: its scale cannot be told. (A shop that
    bought nothing has quantity 0, not NaN, and ranks last.)"""
    market = market_type.map({"urban": "C", "rural": "N"})
    fmt = business_format.map(FORMAT_LETTERS)
    known = quantity.notna()
    groups = quantity.groupby([market_type, business_format], dropna=False)
    rank = groups.rank(method="first", ascending=False)
    size = groups.transform("count")  # known quantities only
    scale = (1 + (3 * (rank.fillna(1) - 1) // size.clip(lower=1))).clip(1, 3).astype(int).astype(str)
    code = market + fmt + scale
    return code.where(market.notna() & fmt.notna() & known, "")


def classify(frame: pd.DataFrame, scheme: Scheme, scope: pd.Series | None = None) -> pd.DataFrame:
    """Score and tier every retailer of `frame`.

    `frame` columns: retailer_id, amount, quantity, credit_rating, compliance (optional),
    old_tier (0 = none), market_type, business_format. `scope` groups retailers that are
    ranked separately (market type or branch); None ranks the whole company together.
    """
    frame = frame.reset_index(drop=True)
    scored = score(frame, scheme) if scope is None else pd.concat(
        [score(part, scheme) for _, part in frame.groupby(scope.reset_index(drop=True), sort=True)]
    ).loc[frame.index]  # fmt: skip
    ids = frame["retailer_id"].to_numpy()
    raw = np.zeros(len(frame), dtype=np.int16)
    groups = (
        [np.arange(len(frame))]
        if scope is None
        else [np.asarray(ix) for ix in frame.groupby(scope.reset_index(drop=True)).indices.values()]
    )
    for rows in groups:
        s = scored["score"].to_numpy()[rows]
        if scheme.assignment == "share_bands":
            raw[rows] = assign_share_bands(s, ids[rows], scheme)
        elif scheme.assignment == "thresholds":
            raw[rows] = assign_thresholds(s, scheme)
        elif scheme.assignment == "volume_value":
            raw[rows] = assign_volume_value(
                frame["quantity"].to_numpy(dtype=float)[rows],
                scored["value_per_carton"].to_numpy()[rows],
                ids[rows],
                scheme,
            )
        else:
            raise ValueError(f"unknown assignment mode {scheme.assignment!r}")
    old = frame["old_tier"].fillna(0).to_numpy(dtype=np.int16)
    tier = apply_move_limit(raw, old, scheme.move_limit)
    if scheme.upgrades_cover_downgrades:
        tier = apply_upgrades_cover_downgrades(tier, old, scored["score"].to_numpy())
    out = pd.concat([frame[["retailer_id", "amount", "quantity"]], scored], axis=1)
    out["old_tier"] = old
    out["raw_tier"] = raw
    out["tier"] = tier
    out["national_type"] = national_type(frame["market_type"], frame["business_format"], frame["quantity"])
    return out


def tier_summary(result: pd.DataFrame) -> pd.DataFrame:
    """Per tier: cut score (lowest score in the tier), counts before and after, ups and downs."""
    tiers = pd.Index(range(TIERS, 0, -1), name="tier")
    after = result.groupby("tier")["retailer_id"].count().reindex(tiers, fill_value=0)
    before = result[result["old_tier"] > 0].groupby("old_tier")["retailer_id"].count().reindex(tiers, fill_value=0)
    cut = result.groupby("tier")["score"].min().reindex(tiers)
    rated = result[result["old_tier"] > 0]
    ups = rated[rated["tier"] > rated["old_tier"]].groupby("tier")["retailer_id"].count().reindex(tiers, fill_value=0)
    downs = rated[rated["tier"] < rated["old_tier"]].groupby("tier")["retailer_id"].count().reindex(tiers, fill_value=0)
    return pd.DataFrame({"cut_score": cut, "before": before, "after": after, "ups": ups, "downs": downs})
