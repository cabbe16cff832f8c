"""One cell of one plan line, from its eligible retailers to each one's quota (docs/domain.md §4).
Pure numpy/pandas.

In order, per cell (T = the cell's target, W = its eligible weight, biweekly retailers counting
twice where the plan says so):
1. rotation, only when the line is truly scarce (0 < T < W: not even one carton per retailer):
   one carton each (two for double weight) to as many as T allows, in order: never served or
   served longest ago first (served = received the product in a published cycle, by caps,
   rotation or exception), then higher tiers, then a fixed shuffle of the cycle; a retailer whose
   weight no longer fits is skipped, not a stop. The individual rules below do not apply;
2. otherwise the exact tier caps (`caps.tier_caps`), with the ceiling per retailer (and method C's
   band caps) as upper bounds inside the search, never a cut afterwards;
3. penalties: a penalised retailer (credit C/D, repeat price-tag violator) gets its cap × its
   factor, rounded down. With `respread` (the default) the cartons it loses go back into the cell:
   the caps of the other retailers are searched again, exactly, for what is left of T;
4. vulnerable preference: while T leaves room, vulnerable retailers (not penalised) get a small
   bonus, lower tiers first, within the ceiling.

Each retailer's result is kept as computed (`CellOutcome.quotas`) and stored with the run: what a
retailer reads is what was published, never recomputed from today's registry.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .caps import tier_caps

NEVER_SERVED = -1


class Reason(enum.IntFlag):
    """Why a quota is what it is, beyond the plain cap of its tier. Stored as a bitmask with each
    retailer's quota, so the stored rows stay numeric."""

    ROTATION = 1
    CREDIT = 2
    CEILING = 4
    VULNERABLE = 8
    DEMAND = 16  # method D
    SELECTED = 32  # method E
    EXCEPTION = 64  # a supervisor's exception (on read only)
    VIOLATION = 128  # repeated price-tag violations
    RESPREAD = 256  # the cap includes cartons other retailers' penalties freed


def has_reason(reasons: np.ndarray | pd.Series, reason: Reason) -> np.ndarray:
    """Which rows of a bitmask column carry `reason`."""
    return (np.asarray(reasons, dtype=np.int64) & int(reason)) != 0


@dataclass(frozen=True)
class Rules:
    vulnerable_bonus: int = 1
    credit_factors: Mapping[str, float] = field(default_factory=lambda: {"C": 0.8, "D": 0.5})
    ceiling: int | None = None
    violation_factor: float = 1.0
    repeat_violators: frozenset[int] = frozenset()
    respread: bool = True


QUOTA_COLUMNS = ["weight", "base", "quota", "reasons", "last_served"]


@dataclass
class CellOutcome:
    """One cell after the rules. `quotas`: index retailer; weight, base (its cap × weight before
    penalties), quota, reasons (`Reason` bits), last_served (ordinal day, NEVER_SERVED; rotation
    only). Retailers with quota 0 and no reason are left out. `figures`: cartons at each step
    (caps + rotation + penalties + respread + bonus = released)."""

    caps: np.ndarray
    quotas: pd.DataFrame
    released: int
    rotated: bool
    figures: dict[str, int] = field(default_factory=dict)


def shuffle_key(retailer_ids: np.ndarray, seed: int) -> np.ndarray:
    """A fixed pseudo-random order of retailers for one cycle (same inputs, same order)."""
    x = (retailer_ids.astype(np.uint64) * np.uint64(2654435761) + np.uint64(seed)) % np.uint64(2**32)
    return (x ^ (x >> np.uint64(13))) * np.uint64(40503) % np.uint64(2**32)


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


def take_in_order(cost: np.ndarray, budget: int, order: np.ndarray) -> np.ndarray:
    """Walk `order`; take each candidate whose cost still fits the budget (one that does not is
    skipped, and the walk goes on: a smaller one behind it may fit)."""
    taken = np.zeros(len(cost), dtype=bool)
    left = int(budget)
    if left <= 0 or not len(order):
        return taken
    c = cost[order]
    if (c == c[0]).all():  # one size: the first budget // size of them
        taken[order[: min(len(order), left // int(c[0]))]] = True
        return taken
    for i, w in zip(order.tolist(), c.tolist(), strict=True):
        if w <= left:
            taken[i] = True
            left -= w
            if left == 0:
                break
    return taken


def cell_quotas(
    members: pd.DataFrame,
    *,
    target: int,
    lowest_tier: int,
    n_tiers: int,
    rules: Rules,
    seed: int,
    shape: np.ndarray | None = None,
    allow_over: bool = False,
    max_step: int | None = None,
    upper: np.ndarray | None = None,
) -> CellOutcome:
    """`members`: the cell's eligible retailers (index = retailer id) with tier, weight,
    penalty_factor, penalty_reasons, is_vulnerable and, for a rotation, last_served.
    `upper`: most cartons per tier's cap (method C's band), combined with the ceiling."""
    ids = members.index.to_numpy(np.int64)
    tier = members["tier"].to_numpy(np.int64) - lowest_tier
    weight = members["weight"].to_numpy(np.int64)
    weights = np.bincount(tier, weights=weight, minlength=n_tiers).astype(np.int64)
    total = int(weights.sum())
    target = max(int(target), 0)
    if 0 < target < total:
        return _rotation(members, ids, weight, target, weights, seed)

    bound = upper
    if rules.ceiling is not None:
        ceiling = np.full(n_tiers, int(rules.ceiling), dtype=np.int64)
        bound = ceiling if bound is None else np.minimum(bound, ceiling)
    searched = tier_caps(weights, target, shape=shape, allow_over=allow_over, max_step=max_step, upper=bound)
    first = searched.caps
    factor = members["penalty_factor"].to_numpy(float)
    penalised = (factor < 1) & (first[tier] > 0)
    base = first[tier] * weight
    quota = base.copy()
    quota[penalised] = np.floor(base[penalised] * factor[penalised]).astype(np.int64)
    reasons = np.where(penalised, members["penalty_reasons"].to_numpy(np.int64), 0)
    caps = first
    figures = {"caps": int((first * weights).sum()), "rotation": 0}
    exact = searched.exact
    figures["penalties"] = int(quota.sum()) - figures["caps"]
    if rules.respread and penalised.any() and not penalised.all():
        # Search the others' caps again for what is left of T, never below what they had.
        others = ~penalised
        kept = int(quota[penalised].sum())
        weights2 = np.bincount(tier[others], weights=weight[others], minlength=n_tiers).astype(np.int64)
        extra = max(target - kept - int((first * weights2).sum()), 0)
        room = np.where(weights2 > 0, extra // np.maximum(weights2, 1), extra)
        upper2 = first + room if bound is None else np.minimum(first + room, bound)
        again = tier_caps(
            weights2, target - kept, shape=shape, allow_over=allow_over, max_step=max_step, upper=upper2, lower=first
        )
        second, exact = again.caps, exact and again.exact
        if (second >= first).all() and int((second * weights2).sum()) > int((first * weights2).sum()):
            caps = second
            base[others] = second[tier[others]] * weight[others]
            quota[others] = base[others]
            reasons[others & (second[tier] > first[tier])] |= int(Reason.RESPREAD)
    figures["respread"] = int(quota.sum()) - figures["caps"] - figures["penalties"]
    if rules.ceiling is not None:
        reasons[~penalised & (caps[tier] >= rules.ceiling) & (quota > 0)] |= int(Reason.CEILING)

    released = int(quota.sum())
    if rules.vulnerable_bonus > 0 and target > released:
        bonus = rules.vulnerable_bonus * weight
        if rules.ceiling is not None:
            bonus = np.minimum(bonus, np.maximum(rules.ceiling * weight - quota, 0))
        wanted = np.flatnonzero(members["is_vulnerable"].to_numpy(bool) & (factor >= 1) & (bonus > 0))
        order = wanted[np.lexsort((shuffle_key(ids[wanted], seed), tier[wanted]))]  # lower tiers first
        take = take_in_order(bonus, target - released, order)
        quota[take] += bonus[take]
        reasons[take] |= int(Reason.VULNERABLE)
    figures["bonus"] = int(quota.sum()) - released
    released = int(quota.sum())
    figures["released"] = released
    if not exact:
        figures["not_searched"] = 1  # see caps.SEARCH_BITS; the report warns
    keep = (quota > 0) | (reasons != 0)
    quotas = pd.DataFrame(
        {"weight": weight[keep], "base": base[keep], "quota": quota[keep], "reasons": reasons[keep],
         "last_served": NEVER_SERVED},
        index=pd.Index(ids[keep], name="retailer"),
    )  # fmt: skip
    return CellOutcome(caps, quotas, released, False, figures)


def _rotation(
    members: pd.DataFrame, ids: np.ndarray, weight: np.ndarray, target: int, weights: np.ndarray, seed: int
) -> CellOutcome:
    """Too little for one carton each: served longest ago first, then higher tiers, then the shuffle."""
    tier = members["tier"].to_numpy(np.int64)
    served = (
        members["last_served"].to_numpy(np.int64)
        if "last_served" in members
        else np.full(len(ids), NEVER_SERVED, dtype=np.int64)
    )
    order = np.lexsort((shuffle_key(ids, seed), -tier, served))
    take = take_in_order(weight, target, order)
    quota = np.where(take, weight, 0)
    released = int(quota.sum())
    quotas = pd.DataFrame(
        {"weight": weight, "base": 0, "quota": quota, "reasons": int(Reason.ROTATION), "last_served": served},
        index=pd.Index(ids, name="retailer"),
    )
    figures = {"caps": 0, "rotation": released, "penalties": 0, "respread": 0, "bonus": 0, "released": released}
    return CellOutcome(np.zeros(len(weights), dtype=np.int64), quotas, released, True, figures)
