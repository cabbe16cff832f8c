"""Individual quota rules on top of the tier caps of one plan line (docs/domain.md §4). Pure numpy/pandas.

In order, per cell:
1. rotation: a cell whose caps leave more than `rotation_threshold` of its eligible weight
   with nothing gives one carton (two for double-weight biweekly retailers) to as many retailers
   as its target allows instead: retailers served least recently first (never served first),
   penalised ones last, then higher tiers, then a fixed shuffle of the cycle;
2. penalties: the cap times the credit rating's factor, and times the violation factor for repeat
   price-tag violators, rounded down;
3. ceiling: no retailer above the ceiling;
4. vulnerable preference: vulnerable retailers get extra cartons while the cell's target leaves
   room (what the penalties freed plus what the caps left unreleased), never above the target.

Stored is only what cannot be recomputed on read: per rotated cell the set of retailers served
(`served`, kept as a bitmap) and a row per vulnerable bonus; penalties and the ceiling follow
from the cap, the registry and the run's policy (which keeps the repeat violators it applied), and
`credit_and_ceiling` applies them again when quotas are read.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

NEVER_SERVED = -1


class Reason(enum.IntFlag):
    """Why a quota is what it is, beyond the plain cap of its tier. Stored as a bitmask
    (`QuotaAdjustment.reasons`), so the per-retailer rows stay numeric for binary COPY."""

    ROTATION = 1
    CREDIT = 2
    CEILING = 4
    VULNERABLE = 8
    DEMAND = 16  # method D
    SELECTED = 32  # method E
    EXCEPTION = 64  # a supervisor's exception (on read only)
    VIOLATION = 128  # repeated price-tag violations


def has_reason(reasons: np.ndarray | pd.Series, reason: Reason) -> np.ndarray:
    """Which rows of a bitmask column carry `reason`."""
    return (np.asarray(reasons, dtype=np.int64) & int(reason)) != 0


@dataclass(frozen=True)
class Rules:
    vulnerable_bonus: int = 1
    credit_factors: Mapping[str, float] = field(default_factory=lambda: {"C": 0.8, "D": 0.5})
    ceiling: int | None = None
    rotation_threshold: float = 0.5
    violation_factor: float = 1.0
    repeat_violators: frozenset[int] = frozenset()


@dataclass
class RuleOutcome:
    adjustments: pd.DataFrame  # retailer (index), base, quota, reasons (Reason bitmask)
    released: np.ndarray  # per cell, after the rules
    rotated: np.ndarray  # per cell: bool
    served: dict[int, np.ndarray] = field(default_factory=dict)  # rotated cell → retailer ids served (quota = weight)


def shuffle_key(retailer_ids: np.ndarray, seed: int) -> np.ndarray:
    """A fixed pseudo-random order of retailers for one cycle (same inputs, same order)."""
    x = (retailer_ids.astype(np.uint64) * np.uint64(2654435761) + np.uint64(seed)) % np.uint64(2**32)
    return (x ^ (x >> np.uint64(13))) * np.uint64(40503) % np.uint64(2**32)


def credit_and_ceiling(
    base: np.ndarray, factor: np.ndarray, ceiling: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The deterministic rules: cap × credit factor rounded down, then the ceiling. Also applied on read."""
    quota = np.where(factor < 1, np.floor(base * factor), base).astype(np.int64)
    cut = quota < base
    capped = np.zeros(len(base), dtype=bool) if ceiling is None else quota > ceiling
    if ceiling is not None:
        quota = np.minimum(quota, ceiling)
    return quota, cut, capped


def credit_factors_of(ratings: pd.Series, factors: Mapping[str, float]) -> np.ndarray:
    return ratings.astype(object).map(dict(factors)).fillna(1.0).to_numpy(float)


def penalties_of(retailer_ids: np.ndarray, ratings: pd.Series, rules: Rules) -> tuple[np.ndarray, np.ndarray]:
    """Per retailer: the quota multiplier (credit factor × violation factor for repeat violators)
    and the Reason bits behind it (CREDIT, VIOLATION)."""
    credit = credit_factors_of(ratings, rules.credit_factors)
    violator = np.isin(np.asarray(retailer_ids, dtype=np.int64), np.fromiter(rules.repeat_violators, np.int64))
    violation = np.where(violator, rules.violation_factor, 1.0)
    reasons = np.where(credit < 1, int(Reason.CREDIT), 0) | np.where(violation < 1, int(Reason.VIOLATION), 0)
    return credit * violation, reasons.astype(np.int64)


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
    """`chosen`: eligible retailers (index = retailer id) with cell (int), tier, weight, credit_rating
    (or its penalty_factor and penalty_reasons, see `penalties_of`), is_vulnerable, last_served
    (ordinal day, NEVER_SERVED if never). `caps`: cells × tiers (lowest first)."""
    n_cells = len(cell_targets)
    cell = chosen["cell"].to_numpy(np.int64)
    weight = chosen["weight"].to_numpy(np.int64)
    tier = chosen["tier"].to_numpy(np.int64)
    ids = chosen.index.to_numpy(np.int64)
    base = caps[cell, tier - lowest_tier] * weight
    if "penalty_factor" in chosen:  # precomputed once for the whole registry
        factor = chosen["penalty_factor"].to_numpy(float)
        penalty_reasons = chosen["penalty_reasons"].to_numpy(np.int64)
    else:
        factor, penalty_reasons = penalties_of(ids, chosen["credit_rating"], rules)
    quota = base.copy()
    reasons = np.zeros(len(chosen), dtype=np.int64)  # Reason bitmask

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
        served = {int(i): ids[take & (cell == i)] for i in np.flatnonzero(rotated)}
    else:
        served = {}
        reasons[in_rotation] |= int(Reason.ROTATION)

    normal = ~in_rotation
    quota[normal], cut, capped = credit_and_ceiling(base[normal], factor[normal], rules.ceiling)
    reasons[normal] |= np.where(cut, penalty_reasons[normal], 0) | np.where(capped, int(Reason.CEILING), 0)

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
        reasons[take] |= int(Reason.VULNERABLE)
        released = np.bincount(cell, weights=quota, minlength=n_cells).astype(np.int64)

    # Rows only for vulnerable bonuses; rotations go out as `served` (see the module docstring).
    changed = has_reason(reasons, Reason.VULNERABLE)
    adjustments = pd.DataFrame(
        {"base": base[changed], "quota": quota[changed], "reasons": reasons[changed]}, index=ids[changed]
    )
    adjustments.index.name = "retailer"
    return RuleOutcome(adjustments, released, rotated, served)
