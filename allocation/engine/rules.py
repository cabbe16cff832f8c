"""Individual quota rules on top of the tier caps of one plan line (DOMAIN.md §4). Pure numpy/pandas.

In order, per cell:
1. rotation: a cell whose caps leave more than `rotation_threshold` of its eligible weight
   with nothing gives one carton (two for double-weight biweekly retailers) to as many retailers
   as its target allows instead: retailers served least recently first (never served first),
   penalised ones last, then higher tiers, then a fixed shuffle of the cycle;
2. credit penalty: the cap times the rating's factor, rounded down;
3. ceiling: no retailer above the ceiling;
4. vulnerable preference: vulnerable retailers get extra cartons while the cell's target leaves
   room (what the penalties freed plus what the caps left unreleased), never above the target.

Every retailer whose quota is not its plain cap comes out as one row with its rule codes (in a
rotating cell, only the retailers served: everyone else there has nothing this cycle).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

ROTATION, CREDIT, CEILING, VULNERABLE = "rotation", "credit", "ceiling", "vulnerable"
NEVER_SERVED = -1


@dataclass(frozen=True)
class Rules:
    vulnerable_bonus: int = 1
    credit_factors: Mapping[str, float] = field(default_factory=lambda: {"C": 0.8, "D": 0.5})
    ceiling: int | None = None
    rotation_threshold: float = 0.5


@dataclass
class RuleOutcome:
    adjustments: pd.DataFrame  # retailer (index), base, quota, reasons
    released: np.ndarray  # per cell, after the rules
    rotated: np.ndarray  # per cell: bool


def shuffle_key(retailer_ids: np.ndarray, seed: int) -> np.ndarray:
    """A fixed pseudo-random order of retailers for one cycle (same inputs, same order)."""
    x = (retailer_ids.astype(np.uint64) * np.uint64(2654435761) + np.uint64(seed)) % np.uint64(2**32)
    return (x ^ (x >> np.uint64(13))) * np.uint64(40503) % np.uint64(2**32)


def _take_in_order(cell: np.ndarray, cost: np.ndarray, budget: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Walk candidates in `order`; within each cell take them while the running cost fits the cell's budget."""
    taken = np.zeros(len(cell), dtype=bool)
    if not len(order):
        return taken
    c, w = cell[order], cost[order]
    regroup = np.argsort(c, kind="stable")  # keep the priority order inside each cell
    c, w, idx = c[regroup], w[regroup], order[regroup]
    running = np.cumsum(w)
    starts = np.r_[0, np.flatnonzero(np.diff(c)) + 1]
    offset = np.repeat(running[starts] - w[starts], np.diff(np.r_[starts, len(c)]))
    taken[idx[(running - offset) <= budget[c]]] = True
    return taken


def apply_rules(
    chosen: pd.DataFrame,
    caps: np.ndarray,
    cell_targets: np.ndarray,
    rules: Rules,
    *,
    lowest_tier: int,
    seed: int,
) -> RuleOutcome:
    """`chosen`: eligible retailers (index = retailer id) with cell (int), tier, weight, credit_rating,
    is_vulnerable, last_served (ordinal day, NEVER_SERVED if never). `caps`: cells × tiers (lowest first)."""
    n_cells = len(cell_targets)
    cell = chosen["cell"].to_numpy(np.int64)
    weight = chosen["weight"].to_numpy(np.int64)
    tier = chosen["tier"].to_numpy(np.int64)
    ids = chosen.index.to_numpy(np.int64)
    base = caps[cell, tier - lowest_tier] * weight
    factor = chosen["credit_rating"].astype(object).map(dict(rules.credit_factors)).fillna(1.0).to_numpy(float)
    quota = base.copy()
    codes = np.zeros((len(chosen), 4), dtype=bool)  # rotation, credit, ceiling, vulnerable

    total = np.bincount(cell, weights=weight, minlength=n_cells)
    left_out = np.bincount(cell, weights=weight * (base == 0), minlength=n_cells)
    rotated = (left_out > rules.rotation_threshold * total) & (cell_targets > 0)
    in_rotation = rotated[cell]
    if in_rotation.any():
        quota[in_rotation] = 0
        candidates = np.flatnonzero(in_rotation)
        served = chosen["last_served"].to_numpy(np.int64)
        order = candidates[
            np.lexsort(
                (shuffle_key(ids[candidates], seed), -tier[candidates], served[candidates], factor[candidates] < 1)
            )
        ]
        take = _take_in_order(cell, weight, cell_targets.astype(np.int64), order)
        quota[take] = weight[take]
        codes[in_rotation, 0] = True

    normal = ~in_rotation
    penalised = normal & (factor < 1)
    quota[penalised] = np.floor(base[penalised] * factor[penalised]).astype(np.int64)
    codes[penalised & (quota < base), 1] = True
    if rules.ceiling is not None:
        over = normal & (quota > rules.ceiling)
        quota[over] = rules.ceiling
        codes[over, 2] = True

    released = np.bincount(cell, weights=quota, minlength=n_cells).astype(np.int64)
    if rules.vulnerable_bonus > 0:
        room = np.maximum(cell_targets - released, 0)
        wanted = normal & chosen["is_vulnerable"].to_numpy(bool) & (factor >= 1)
        bonus = rules.vulnerable_bonus * weight
        if rules.ceiling is not None:
            bonus = np.minimum(bonus, np.maximum(rules.ceiling - quota, 0))
        candidates = np.flatnonzero(wanted & (bonus > 0))
        order = candidates[np.lexsort((shuffle_key(ids[candidates], seed), tier[candidates]))]  # lower tiers first
        take = _take_in_order(cell, bonus, room, order)
        quota[take] += bonus[take]
        codes[take, 3] = True
        released = np.bincount(cell, weights=quota, minlength=n_cells).astype(np.int64)

    changed = codes.any(axis=1) & ~(in_rotation & (quota == 0))  # a rotation stores only whom it served
    names = np.array([ROTATION, CREDIT, CEILING, VULNERABLE])
    reasons = [",".join(names[row]) for row in codes[changed]]
    adjustments = pd.DataFrame({"base": base[changed], "quota": quota[changed], "reasons": reasons}, index=ids[changed])
    adjustments.index.name = "retailer"
    return RuleOutcome(adjustments, released, rotated)
