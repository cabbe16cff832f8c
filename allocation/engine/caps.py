"""Exact tier caps for one product in one cell (DOMAIN.md §4, release methods A and B).

Tiers lo..hi have W_t eligible weight each (retailers, biweekly ones counting twice where the
plan says so). Caps x_t are integers, x_lo ≤ … ≤ x_hi (a higher tier never gets less), and the
release is S = Σ x_t·W_t. Writing y_t = x_t − x_{t−1} ≥ 0 (x_{lo−1} = 0), S = Σ y_t·C_t with
C_t = Σ_{u ≥ t} W_u: an unbounded coin problem. Reachable sums are found exactly, one coin at a
time, with a cumulative OR along each residue class (O(T) numpy work per tier); S is the
largest reachable sum ≤ T (or the nearest one either side when going over is allowed).
Among the vectors reaching S, the caps are rebuilt from the lowest tier up, each as close
as still feasible to the demand shape scaled to T.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CapResult:
    caps: np.ndarray  # per tier of the range, lowest tier first
    released: int
    target: int

    @property
    def error(self) -> int:
        return self.released - self.target


def _reach_with_coin(reach: np.ndarray, coin: int) -> np.ndarray:
    """Sums reachable with any number of `coin` added to sums already reachable."""
    if coin <= 0:
        return reach.copy()
    size = len(reach)
    rows = -(-size // coin)
    padded = np.zeros(rows * coin, dtype=bool)
    padded[:size] = reach
    grid = padded.reshape(rows, coin)  # grid[j, r] = sum r + j·coin
    return np.logical_or.accumulate(grid, axis=0).reshape(-1)[:size]


def tier_caps(
    weights: np.ndarray,
    target: int,
    *,
    shape: np.ndarray | None = None,
    allow_over: bool = False,
) -> CapResult:
    """Caps per tier (lowest tier first) releasing as close to `target` as the rules allow.

    `weights`: eligible weight per tier, lowest tier first. `shape`: demand per retailer per
    tier (any scale), used only to choose among equally close vectors.
    """
    weights = np.asarray(weights, dtype=np.int64)
    k = len(weights)
    target = int(target)
    if k == 0 or target <= 0 or weights.sum() == 0:
        return CapResult(np.zeros(k, dtype=np.int64), 0, max(target, 0))
    coins = np.cumsum(weights[::-1])[::-1]  # C_t = weight at or above tier t
    limit = target + (int(coins.max()) if allow_over else 0)
    # layers[i] = sums reachable with coins of tiers i..k-1 (built from the top tier down)
    layers = [np.zeros(limit + 1, dtype=bool)]
    layers[0][0] = True
    for coin in coins[::-1]:
        layers.append(_reach_with_coin(layers[-1], int(coin)))
    reach_all = layers[-1]
    below = np.flatnonzero(reach_all[: target + 1])
    best = int(below[-1])
    if allow_over:
        above = np.flatnonzero(reach_all[target:]) + target
        if len(above) and above[0] - target < target - best:
            best = int(above[0])

    ideal = _ideal_caps(weights, target, shape)
    caps = np.zeros(k, dtype=np.int64)
    remaining, level = best, 0
    for i in range(k):  # lowest tier first: y_i raises tiers i..k-1 by one each
        coin = int(coins[i])
        feasible = layers[k - 1 - i]  # sums reachable with the tiers above i
        if coin == 0:
            caps[i] = level
            continue
        steps = np.arange(remaining // coin + 1)
        ok = steps[feasible[remaining - steps * coin]]
        y = int(ok[np.argmin(np.abs(level + ok - ideal[i]))])  # closest to the demand shape
        level += y
        remaining -= y * coin
        caps[i] = level
    released = int((caps * weights).sum())
    return CapResult(caps, released, target)


def _ideal_caps(weights: np.ndarray, target: int, shape: np.ndarray | None) -> np.ndarray:
    """The demand shape (made non-decreasing upward) scaled so Σ ideal·W = target."""
    k = len(weights)
    base = np.linspace(1.0, 2.0, k) if shape is None else np.maximum.accumulate(np.maximum(np.asarray(shape, float), 0))
    if not base.any():
        base = np.ones(k)
    total = float((base * weights).sum())
    return base * (target / total) if total > 0 else np.zeros(k)
