"""Tier classification engine: pure numpy/pandas, no Django.

Input: one row per retailer in the run (its purchases over the reference window, net of
returns, and its attributes); output: score, score parts, raw tier (by score, after the tie,
idle and no-empty-tier rules), tier after the move limit, and the national 42-type code.
Same input, same output: no step depends on row order or ids.
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


class ClassificationInputError(ValueError):
    """An input the engine refuses, with the reason and the retailers concerned."""


def round_half_up(values, decimals: int = 0) -> np.ndarray:
    """Half away from zero, as a person rounds (2.5 → 3, 7.5 → 8; np.round gives 2 and 8). The
    scaled value is first cleared of float noise, so 1.005 (stored as 1.00499…) gives 1.01."""
    scale = 10.0**decimals
    scaled = np.round(np.asarray(values, dtype=float) * scale, 6)
    return np.sign(scaled) * np.floor(np.abs(scaled) + 0.5) / scale


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


def even_counts(n: int, bands: int) -> np.ndarray:
    """n retailers over `bands` equal bands (lowest first); the extra ones go to the upper bands."""
    base, extra = divmod(n, bands)
    counts = np.full(bands, base, dtype=int)
    if extra:
        counts[bands - extra :] += 1
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


# --- Placing tied retailers -----------------------------------------------------------------
#
# Retailers with equal scores (or, by volume × value, equal figures) form a group and share a
# tier, so the line between two tiers can only fall between groups. With the groups in
# ascending order, positions[j] is the number of retailers in groups 0..j-1, and the line under
# tier t+1 is drawn at a group index j_t: tiers 1..t then hold b_t = positions[j_t] retailers.
# The bands want C_t retailers there. The lines are placed to minimise Σ_t |b_t − C_t|, which
# is the total number of tier steps that retailers stand away from the tier the bands give them
# (a line drawn d retailers too high moves d retailers one tier down), subject to the rules:
# - with 30 retailers or more (`fill`), no tier is empty; when there are fewer groups than
#   tiers, every group gets a tier of its own instead, and the tiers left over stay empty
#   (the ties force it);
# - `min_groups`: each tier takes at least that many groups when there are enough of them
#   (volume bands take three, so each can be split into three value bands);
# - `bottom_alone`: the lowest group (the retailers who bought nothing) is in the lowest tier.
# On an exact tie between two placements the lower lines win (a group goes to the higher tier).


def _nearest_lines(positions: np.ndarray, wanted: np.ndarray, low: int, high: int) -> np.ndarray:
    """For each wanted count, the index in [low, high] whose position is nearest (the lower index on
    a tie). |positions[j] − wanted| falls then rises with j, so clipping the free choice is exact."""
    groups = len(positions) - 1
    above = np.clip(np.searchsorted(positions, wanted, side="left"), 1, groups)
    below = above - 1
    nearest = np.where(np.abs(positions[above] - wanted) < np.abs(positions[below] - wanted), above, below)
    return np.clip(nearest, low, high)


def _prefix_min(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Running minimum and the first index where it is reached."""
    running = np.minimum.accumulate(values)
    index = np.arange(len(values))
    new_low = values < np.concatenate(([np.inf], running[:-1]))
    return running, np.maximum.accumulate(np.where(new_low, index, 0))


def _lines_min_steps(positions: np.ndarray, wanted: np.ndarray, step: int) -> np.ndarray:
    """Lines j_1 < … < j_L with j_t − j_(t−1) ≥ step (j_0 = 0, j_(L+1) = groups), least Σ|b_t − C_t|.

    Dynamic programming over the lines. Only indices within step × (L − 1) of each line's nearest
    index are tried: an optimal placement lies there, for a line farther above its nearest index
    heads a run of lines packed `step` apart that all stand above their nearest indices, and
    moving that run one group down costs nothing and keeps every rule (likewise below).
    """
    groups = len(positions) - 1
    count = len(wanted)
    nearest = _nearest_lines(positions, wanted, step, groups - step)
    radius = step * max(count - 1, 0)
    candidates = np.unique(
        np.concatenate([np.arange(max(step, k - radius), min(groups - step, k + radius) + 1) for k in nearest])
    )
    at = positions[candidates]
    reach = np.searchsorted(candidates, candidates - step, side="right") - 1  # last candidate ≥ step below

    def feasible(cost: np.ndarray, t: int) -> np.ndarray:
        cost[(candidates < step * t) | (candidates > groups - step * (count + 1 - t))] = np.inf
        return cost

    cost = feasible(np.abs(at - wanted[0]), 1)
    back = []
    for t in range(2, count + 1):
        best, arg = _prefix_min(cost)
        safe = np.maximum(reach, 0)
        back.append(arg[safe])
        cost = feasible(np.abs(at - wanted[t - 1]) + np.where(reach >= 0, best[safe], np.inf), t)
    i = int(np.argmin(cost))
    chosen = [i]
    for arg in reversed(back):
        i = int(arg[i])
        chosen.append(i)
    return candidates[np.array(chosen[::-1])]


def _lines_unit_steps(positions: np.ndarray, wanted: np.ndarray, bottom_alone: bool) -> np.ndarray:
    """Fewer groups than tiers: lines 0 ≤ j_1 ≤ … ≤ j_L with steps of 0 or 1, so every group has a
    tier of its own; least Σ|b_t − C_t| (dynamic programming over all indices, there are < 30)."""
    groups = len(positions) - 1
    count = len(wanted)
    index = np.arange(groups + 1)
    cost = np.where(index == 0, 0.0, np.inf)
    back = []
    for t in range(1, count + 1):
        from_below = np.concatenate(([np.inf], cost[:-1]))
        back.append(np.where(from_below <= cost, index - 1, index))
        cost = np.abs(positions - wanted[t - 1]) + np.minimum(from_below, cost)
        cost[index < groups - (count + 1 - t)] = np.inf  # the last group must still be reachable
        if t == 1 and bottom_alone:
            cost[0] = np.inf
    i = groups - 1 if cost[groups - 1] <= cost[groups] else groups
    chosen = []
    for t in range(count, 0, -1):
        chosen.append(i)
        i = int(back[t - 1][i])
    return index[np.array(chosen[::-1])]


def place_groups(
    sizes: np.ndarray, targets: np.ndarray, *, fill: bool, bottom_alone: bool = False, min_groups: int = 1
) -> np.ndarray:
    """The tier (1..len(targets)) of each group of tied retailers, groups in ascending order.

    `sizes`: retailers per group; `targets`: retailers the bands want per tier, lowest first.
    The rules and what is minimised are described above.
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    groups, tiers = len(sizes), len(targets)
    if groups == 0:
        return np.zeros(0, dtype=np.int16)
    positions = np.concatenate(([0], np.cumsum(sizes))).astype(float)
    wanted = np.cumsum(np.asarray(targets, dtype=float))[:-1]
    if not fill:
        lines = _nearest_lines(positions, wanted, 1 if bottom_alone else 0, groups)
    elif groups >= tiers * min_groups:
        lines = _lines_min_steps(positions, wanted, min_groups)
    elif groups >= tiers:
        lines = _lines_min_steps(positions, wanted, 1)
    else:
        lines = _lines_unit_steps(positions, wanted, bottom_alone)
    return (1 + np.searchsorted(lines, np.arange(groups), side="right")).astype(np.int16)


def tie_groups(values: np.ndarray, idle: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """Each row's group (0 = lowest) and the group sizes: equal values share a group; the idle rows
    (bought nothing) form the lowest group together, whatever their values."""
    buyers = ~idle
    distinct, inverse = np.unique(values[buyers], return_inverse=True)
    has_idle = bool(idle.any())
    group = np.zeros(len(values), dtype=np.int64)
    group[buyers] = inverse + int(has_idle)
    return group, np.bincount(group, minlength=len(distinct) + int(has_idle)), has_idle


def assign_share_bands(scores: np.ndarray, idle: np.ndarray, scheme: Scheme) -> np.ndarray:
    """Tiers by share bands: the bands' counts (no tier empty from 30 retailers on), then the tied
    retailers placed by `place_groups`; the idle retailers are in tier 1."""
    n = len(scores)
    targets = fill_empty_tiers(share_band_counts(n, scheme.share_bands))[1:]
    group, sizes, has_idle = tie_groups(scores, idle)
    return place_groups(sizes, targets, fill=n >= TIERS, bottom_alone=has_idle)[group]


def assign_thresholds(scores: np.ndarray, idle: np.ndarray, scheme: Scheme) -> np.ndarray:
    """tier = 1 + the number of cut scores at or below the score; the idle retailers are in tier 1."""
    cuts = np.asarray(scheme.thresholds, dtype=float)
    if len(cuts) != TIERS - 1 or (np.diff(cuts) < 0).any():
        raise ValueError("score thresholds need 29 ascending cut scores")
    tiers = 1 + np.searchsorted(cuts, scores, side="right")
    return np.where(idle, 1, tiers).astype(np.int16)


def assign_volume_value(
    quantity: np.ndarray, value_per_carton: np.ndarray, idle: np.ndarray, scheme: Scheme
) -> np.ndarray:
    """10 volume bands, each split into 3 value-per-carton bands: tier = (volume − 1) × 3 + value.

    Both splits are even shares placed by `place_groups` (equal figures share a band; the idle
    retailers are in the lowest band of each). The value bands are drawn inside each volume band,
    so from 30 retailers on no tier is empty unless ties force it.
    """
    if scheme.volume_bands * scheme.value_bands != TIERS:
        raise ValueError("volume bands × value bands must make 30 tiers")
    n = len(quantity)
    fill = n >= TIERS
    group, sizes, has_idle = tie_groups(quantity, idle)
    volume = place_groups(
        sizes, even_counts(n, scheme.volume_bands), fill=fill, bottom_alone=has_idle, min_groups=scheme.value_bands
    )[group]
    value = np.zeros(n, dtype=np.int16)
    for band in np.unique(volume):
        rows = np.flatnonzero(volume == band)
        group, sizes, has_idle = tie_groups(value_per_carton[rows], idle[rows])
        targets = even_counts(len(rows), scheme.value_bands)
        value[rows] = place_groups(sizes, targets, fill=fill, bottom_alone=has_idle)[group]
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


def _checked_purchases(frame: pd.DataFrame) -> None:
    """Amount and quantity must be numbers ≥ 0 (net of returns); refuse the run otherwise, naming
    the first retailers, rather than score a NaN as zero or rank it at random."""
    for column in ("amount", "quantity"):
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        for bad, reason in ((~np.isfinite(values), "missing or not a number"), (values < 0, "below zero")):
            if bad.any():
                ids = ", ".join(str(i) for i in frame.loc[bad, "retailer_id"].head(5))
                raise ClassificationInputError(
                    f"purchase {column} {reason} for {int(bad.sum())} retailer(s) (ids {ids})"
                )


def classify(frame: pd.DataFrame, scheme: Scheme, scope: pd.Series | None = None) -> pd.DataFrame:
    """Score and tier every retailer of `frame`.

    `frame` columns: retailer_id, amount, quantity (both net of returns), credit_rating,
    compliance (optional), old_tier (0 = none), market_type, business_format. `scope` groups
    retailers that are ranked separately (market type or branch); None ranks the whole company
    together. A retailer with quantity 0 bought nothing in the window (idle): it goes to the
    lowest tier by score, before the move limit.
    """
    frame = frame.reset_index(drop=True)
    _checked_purchases(frame)
    scored = score(frame, scheme) if scope is None else pd.concat(
        [score(part, scheme) for _, part in frame.groupby(scope.reset_index(drop=True), sort=True)]
    ).loc[frame.index]  # fmt: skip
    idle = frame["quantity"].to_numpy(dtype=float) <= 0
    raw = np.zeros(len(frame), dtype=np.int16)
    groups = (
        [np.arange(len(frame))]
        if scope is None
        else [np.asarray(ix) for ix in frame.groupby(scope.reset_index(drop=True)).indices.values()]
    )
    for rows in groups:
        s = scored["score"].to_numpy()[rows]
        if scheme.assignment == "share_bands":
            raw[rows] = assign_share_bands(s, idle[rows], scheme)
        elif scheme.assignment == "thresholds":
            raw[rows] = assign_thresholds(s, idle[rows], scheme)
        elif scheme.assignment == "volume_value":
            raw[rows] = assign_volume_value(
                frame["quantity"].to_numpy(dtype=float)[rows],
                scored["value_per_carton"].to_numpy()[rows],
                idle[rows],
                scheme,
            )
        else:
            raise ValueError(f"unknown assignment mode {scheme.assignment!r}")
    old = frame["old_tier"].fillna(0).to_numpy(dtype=np.int16)
    tier = apply_move_limit(raw, old, scheme.move_limit)
    if scheme.upgrades_cover_downgrades:
        tier = apply_upgrades_cover_downgrades(tier, old, scored["score"].to_numpy())
    out = pd.concat([frame[["retailer_id", "amount", "quantity"]], scored], axis=1)
    out["idle"] = idle
    out["old_tier"] = old
    out["raw_tier"] = raw
    out["tier"] = tier
    out["national_type"] = national_type(frame["market_type"], frame["business_format"], frame["quantity"])
    return out


class EmptyTier:
    """Why a tier holds nobody after a run (codes; the pages word them)."""

    HELD = "held"  # the retailers its scores gave it were held at their old tiers by the move limit
    THRESHOLDS = "thresholds"  # no score falls between its cut scores
    FEW = "few_retailers"  # fewer than 30 retailers to rank
    TIES = "ties"  # fewer different scores than tiers: equal scores share a tier


def tie_keys(result: pd.DataFrame, assignment: str) -> pd.Series:
    """What ties retailers to one tier in this assignment mode: the score, or by volume × value the
    quantity and value per carton; all idle retailers share one key."""
    if assignment == "volume_value":
        key = result["quantity"].astype(float).astype(str) + "|" + result["value_per_carton"].astype(float).astype(str)
    else:
        key = result["score"].astype(float).astype(str)
    return key.where(~result["idle"].astype(bool), "idle")


def monotone_cut_scores(lowest: pd.Series) -> pd.Series:
    """Cut scores that never fall as the tier rises, from `lowest`: per tier (any order of the
    index), the lowest score the run placed in it, NaN for a tier that holds nobody.

    A tier's cut score is the lowest score placed in it *or in any tier above it*, so a score below
    it reached no tier that high. Where tiers follow the score (share bands, thresholds) that is
    the tier's own lowest score; by volume × value, where cartons and value per carton make the
    tier, a higher tier can hold a lower score than the tier below, and that lower score becomes
    the cut of both. An empty tier keeps no cut (NaN); the cuts of the tiers around it still rise.
    """
    ascending = lowest.sort_index()
    values = ascending.to_numpy(dtype=float)
    above = np.minimum.accumulate(np.where(np.isnan(values), np.inf, values)[::-1])[::-1]
    cuts = pd.Series(np.where(np.isnan(values), np.nan, above), index=ascending.index, name=lowest.name)
    return cuts.reindex(lowest.index)


def tier_summary(result: pd.DataFrame, assignment: str = "share_bands") -> pd.DataFrame:
    """Per tier, highest first: the cut score, counts before and after, ups, downs, how many are
    held there by the move limit, and why an empty tier is empty.

    The cut score is the lowest score that the run placed in the tier or above by score (raw tier,
    after the tie, idle and no-empty-tier rules; `monotone_cut_scores`), so it never falls as the
    tier rises; retailers held in a tier by the move limit (or kept by "upgrades at least
    downgrades") are counted in `held`, not in the cut. Rows with `ranked` False (new retailers given a starting tier by rule) count in `after`
    but set no cut. Ranked by scope (a `scope_key` column other than ""), each scope has its own
    cut column, `cut_score:<key>`.
    """
    tiers = pd.Index(range(TIERS, 0, -1), name="tier")

    def per_tier(rows: pd.DataFrame, by: str = "tier") -> pd.Series:
        return rows.groupby(by)["retailer_id"].count().reindex(tiers, fill_value=0)

    ranked = result[result["ranked"].astype(bool)] if "ranked" in result else result
    rated = result[result["old_tier"] > 0]
    out = pd.DataFrame(
        {
            "before": per_tier(rated, "old_tier"),
            "after": per_tier(result),
            "ups": per_tier(rated[rated["tier"] > rated["old_tier"]]),
            "downs": per_tier(rated[rated["tier"] < rated["old_tier"]]),
            "held": per_tier(result[result["tier"] != result["raw_tier"]]),
        }
    )
    scopes = ranked["scope_key"].astype(str) if "scope_key" in ranked else pd.Series("", index=ranked.index)
    keys = sorted(scopes.unique())
    if keys in ([], [""]):
        out.insert(0, "cut_score", monotone_cut_scores(ranked.groupby("raw_tier")["score"].min().reindex(tiers)))
    else:
        for position, key in enumerate(keys):
            part = ranked[scopes == key]
            lowest = part.groupby("raw_tier")["score"].min().reindex(tiers)
            out.insert(position, f"cut_score:{key}", monotone_cut_scores(lowest))
    out["empty"] = ""
    out["distinct"] = 0
    out["ranked"] = 0
    raw_counts = per_tier(ranked, "raw_tier")
    sizes = scopes.value_counts()
    distinct = tie_keys(ranked, assignment).groupby(scopes).nunique() if len(ranked) else pd.Series(dtype=int)
    for tier in tiers[out["after"].to_numpy() == 0]:
        if raw_counts[tier] > 0:
            out.loc[tier, "empty"] = EmptyTier.HELD
        elif assignment == "thresholds":
            out.loc[tier, "empty"] = EmptyTier.THRESHOLDS
        elif not len(sizes) or (sizes < TIERS).all():
            out.loc[tier, "empty"] = EmptyTier.FEW
            out.loc[tier, "ranked"] = int(sizes.max()) if len(sizes) else 0
        else:
            # every scope of 30 or more left it empty: each has fewer groups of ties than tiers
            big = distinct[sizes[sizes >= TIERS].index]
            out.loc[tier, "empty"] = EmptyTier.TIES
            out.loc[tier, "distinct"] = int(big.max())
            out.loc[tier, "ranked"] = int(sizes[big.idxmax()])
    return out
