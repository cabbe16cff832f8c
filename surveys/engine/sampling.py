"""Who answers a survey wave: every retailer, or a random share of each customer manager's retailers
with a floor, spread over strata (tier band × market type) in proportion (docs/domain.md §9). Pure
numpy/pandas; the same seed and the same retailers give the same sample, whatever their order.

Per manager with n retailers, k = min(n, max(minimum, ⌈n × percent / 100⌉)) are drawn (a manager
with fewer than `minimum` gives all of them). The k places go to the manager's strata by the largest
remainder: a stratum of n_s retailers gets ⌊k·n_s/n⌋ and the places left go one each to the strata
with the largest remainders k·n_s mod n (ties in a random order from the seed), so every stratum gets
its exact share rounded down or up and never more than it holds. Inside a stratum the retailers are
drawn at random, without replacement. All arithmetic is in integers (10% of 30 is 3, not 4).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

NO_MANAGER = -1  # the group of retailers without a customer manager
NO_TIER = ""  # the tier band of a retailer without a tier


def tier_bands(tiers: Sequence[float] | pd.Series, cuts: Sequence[int]) -> list[str]:
    """Each tier's band as a label ("D1–D10"), bands starting at D1 and at each cut (cuts [11, 21]:
    D1–D10, D11–D20, D21–D30); a missing tier is NO_TIER."""
    edges = sorted({int(c) for c in cuts if 1 < int(c) <= 30})
    starts = [1, *edges]
    ends = [*(e - 1 for e in edges), 30]
    labels = [f"D{a}–D{b}" if a != b else f"D{a}" for a, b in zip(starts, ends, strict=True)]
    values = pd.to_numeric(pd.Series(list(tiers) if not isinstance(tiers, pd.Series) else tiers), errors="coerce")
    known = values.notna().to_numpy()
    positions = np.searchsorted(np.asarray(edges, dtype=float), values.fillna(0).to_numpy(dtype=float), side="right")
    return np.where(known, np.asarray(labels, dtype=object)[positions], NO_TIER).tolist()


def manager_sample_size(n: int, *, percent: int, minimum: int) -> int:
    """k = min(n, max(minimum, ⌈n × percent / 100⌉)), in integers."""
    if n <= 0:
        return 0
    share = -(-n * percent // 100)
    return min(n, max(minimum, share))


def stratum_allocation(sizes: Sequence[int], k: int, rng: np.random.Generator | None = None) -> np.ndarray:
    """k places over strata of `sizes` retailers by the largest remainder: ⌊k·n_s/n⌋ each, then one
    more to the strata with the largest remainders (ties in a random order when `rng` is given, else
    the first stratum first)."""
    sizes_arr = np.asarray(sizes, dtype=np.int64)
    n = int(sizes_arr.sum())
    if n == 0 or k <= 0:
        return np.zeros(len(sizes_arr), dtype=np.int64)
    if k > n:
        raise ValueError(f"cannot draw {k} from {n} retailers")
    base = k * sizes_arr // n
    remainder = k * sizes_arr % n
    left = k - int(base.sum())
    order = np.arange(len(sizes_arr)) if rng is None else rng.permutation(len(sizes_arr))
    # the largest remainders first; among equal remainders, the (shuffled) order
    ranked = order[np.argsort(-remainder[order], kind="stable")]
    base[ranked[:left]] += 1
    return base


def draw_sample(
    retailers: pd.DataFrame, *, percent: int | None, minimum: int, seed: int
) -> np.ndarray:
    """The sampled retailer ids, sorted. `retailers` has columns `retailer` (id), `manager` (id, or
    NaN/NO_MANAGER for none) and `stratum` (any hashable label, e.g. "D21–D30|urban"). `percent`
    None samples everyone."""
    if retailers.empty:
        return np.zeros(0, dtype=np.int64)
    ids = retailers["retailer"].to_numpy(dtype=np.int64)
    if len(np.unique(ids)) != len(ids):
        raise ValueError("a retailer is listed twice")
    if percent is None:
        return np.sort(ids)
    if not 0 < percent <= 100:
        raise ValueError(f"the share must be between 1% and 100%, not {percent}%")
    if minimum < 0:
        raise ValueError("the minimum per manager cannot be negative")
    frame = pd.DataFrame(
        {
            "retailer": ids,
            "manager": retailers["manager"].fillna(NO_MANAGER).astype(np.int64).to_numpy(),
            "stratum": retailers["stratum"].astype(str).to_numpy(),
        }
    ).sort_values(["manager", "stratum", "retailer"], kind="stable")
    chosen: list[np.ndarray] = []
    for manager, group in frame.groupby("manager", sort=True):
        rng = np.random.default_rng([seed, int(manager) - NO_MANAGER])  # entropy must be non-negative
        strata = group.groupby("stratum", sort=True)["retailer"]
        members = [g.to_numpy() for _s, g in strata]
        k = manager_sample_size(len(group), percent=percent, minimum=minimum)
        places = stratum_allocation([len(m) for m in members], k, rng)
        for pool, take in zip(members, places, strict=True):
            if take:
                chosen.append(rng.choice(pool, size=int(take), replace=False))
    return np.sort(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=np.int64)
