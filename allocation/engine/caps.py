"""Exact tier caps for one product in one cell (docs/domain.md §4, release methods A and B).

Tiers lo..hi have W_t eligible weight each (retailers, biweekly ones counting twice where the
plan says so). Caps x_t are integers, x_lo ≤ … ≤ x_hi (a higher tier never gets less), and the
release is S = Σ x_t·W_t. Writing y_t = x_t − x_{t−1} ≥ 0 (x_{lo−1} = 0), S = Σ y_t·C_t with
C_t = Σ_{u ≥ t} W_u: a coin problem.

Without a step limit the coins are unbounded, and which sums are reachable is told by one
number per residue class modulo the smallest coin a: the least reachable sum of that class
(every larger sum of the class is reachable by adding a's). Adding a coin c updates the table
along the cycles r → r + c (mod a) with a running minimum, so each tier costs O(a) numpy work,
whatever the target. With a maximum step m between neighbouring tiers (y_t ≤ m above the
lowest tier), the coins are bounded and reachable sums are kept as boolean arrays up to the
target instead (O(target) per tier).

With an upper bound per tier (the ceiling per retailer, or method C's band caps), the search runs
over cap values instead: per tier and value v ≤ bound, the set of sums the tiers from it upward can
reach with that tier at v, as a bitset (a Python integer) up to the target (`_ValueLayers`). Bounds
are small (a ceiling, a band's caps), so this costs Σ bounds bitset shifts.

S is the largest reachable sum ≤ T (or the nearest either side when going over is allowed).
Among the vectors reaching S, the caps are rebuilt from the lowest tier up, each as close as
still feasible to the demand shape scaled to T.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

UNREACHABLE = np.iinfo(np.int64).max // 4
# The bounded search keeps a bitset of reachable sums per tier and cap value: beyond this many bits
# (≈ 64 MB) it falls back to the unbounded caps cut to the bounds, and says so (`CapResult.exact`).
SEARCH_BITS = 512_000_000


@dataclass(frozen=True)
class CapResult:
    caps: np.ndarray  # per tier of the range, lowest tier first
    released: int
    target: int
    exact: bool = True  # False: bounds too wide to search, the unbounded caps were cut to them


    @property
    def error(self) -> int:
        return self.released - self.target


class _ResidueLayers:
    """Reachable sums with the coins of the top j tiers, for j = 0..k (unbounded coins)."""

    def __init__(self, coins_top_down: np.ndarray):
        positive = coins_top_down[coins_top_down > 0]
        self.modulus = int(positive.min()) if len(positive) else 1
        least = np.full(self.modulus, UNREACHABLE, dtype=np.int64)
        least[0] = 0
        self.tables: list[np.ndarray | None] = [None]  # None: only the empty sum (no positive coin yet)
        for coin in coins_top_down:
            coin = int(coin)
            if coin > 0:
                least = self._add(least, coin)
            self.tables.append(least if coin > 0 or self.tables[-1] is not None else None)

    def _add(self, least: np.ndarray, coin: int) -> np.ndarray:
        a = self.modulus
        step = coin % a
        if step == 0:
            return least
        cycles = math.gcd(step, a)
        length = a // cycles
        j = np.arange(2 * length, dtype=np.int64)  # twice round each cycle covers the wrap-around
        index = (np.arange(cycles, dtype=np.int64)[:, None] + j[None, :] * step) % a
        best = np.minimum.accumulate(least[index] - j * coin, axis=1) + j * coin
        out = least.copy()
        out[index[:, length:]] = best[:, length:]
        return out

    def reachable(self, layer: int, sums: np.ndarray) -> np.ndarray:
        table = self.tables[layer]
        if table is None:
            return sums == 0
        return (sums >= 0) & (sums >= table[sums % self.modulus])

    def nearest(self, target: int, allow_over: bool) -> int:
        table = self.tables[-1]
        a = self.modulus
        residues = np.arange(a, dtype=np.int64)
        below = target - (target - residues) % a
        best = int(below[below >= table].max())
        if allow_over:
            above = np.maximum(table, target + (residues - target) % a)[table < UNREACHABLE]
            up = int(above.min())
            if up - target < target - best:
                best = up
        return best


class _BoundedLayers:
    """Reachable sums up to a limit as boolean arrays; coins above the lowest tier used at most `max_count` times."""

    def __init__(self, coins_top_down: np.ndarray, limit: int, max_count: int):
        self.limit = limit
        first = np.zeros(limit + 1, dtype=bool)
        first[0] = True
        self.tables = [first]
        k = len(coins_top_down)
        for j, coin in enumerate(coins_top_down):
            bound = None if j == k - 1 else max_count  # the last coin added is the lowest tier's: unbounded
            self.tables.append(self._add(self.tables[-1], int(coin), bound))

    @staticmethod
    def _add(reach: np.ndarray, coin: int, bound: int | None) -> np.ndarray:
        if coin <= 0:
            return reach
        size = len(reach)
        rows = -(-size // coin)
        padded = np.zeros(rows * coin, dtype=bool)
        padded[:size] = reach
        grid = padded.reshape(rows, coin)  # grid[j, r] = sum r + j·coin
        if bound is None:
            return np.logical_or.accumulate(grid, axis=0).reshape(-1)[:size]
        counts = np.cumsum(grid, axis=0, dtype=np.int64)
        window = counts.copy()
        window[bound + 1 :] -= counts[: -(bound + 1)]
        return (window > 0).reshape(-1)[:size]

    def reachable(self, layer: int, sums: np.ndarray) -> np.ndarray:
        ok = (sums >= 0) & (sums <= self.limit)
        out = np.zeros(len(sums), dtype=bool)
        out[ok] = self.tables[layer][sums[ok]]
        return out

    def nearest(self, target: int, allow_over: bool) -> int:
        reach = self.tables[-1]
        best = int(np.flatnonzero(reach[: target + 1])[-1])
        if allow_over:
            above = np.flatnonzero(reach[target:]) + target
            if len(above) and above[0] - target < target - best:
                best = int(above[0])
        return best


class _ValueLayers:
    """Reachable sums per tier and cap value, for caps bounded above (tiers lowest first).

    `sets[i][v]`: bitset of the sums the tiers i..k-1 reach with tier i's cap at v (and the caps
    above it non-decreasing, within their bounds and the step limit), up to `limit`."""

    def __init__(
        self, weights: np.ndarray, upper: np.ndarray, limit: int, max_step: int | None, lower: np.ndarray | None = None
    ):
        k = len(weights)
        self.limit = limit
        self.mask = (1 << (limit + 1)) - 1
        self.max_step = max_step
        self.sets: list[list[int]] = [[] for _ in range(k)]
        above: list[int] | None = None  # OR of the sets of tier i+1 from value v upward (within the step)
        for i in range(k - 1, -1, -1):
            w = int(weights[i])
            row = []
            least = 0 if lower is None else int(lower[i])
            for v in range(int(upper[i]) + 1):
                rest = 0 if v < least else 1 if above is None else self._above(above, v)
                row.append((rest << (w * v)) & self.mask if rest else 0)
            self.sets[i] = row
            above = row

    def _above(self, row: list[int], v: int) -> int:
        """The sums of the next tier up with its cap in [v, v + step] (any value ≥ v without a step limit)."""
        end = len(row) if self.max_step is None else min(len(row), v + self.max_step + 1)
        out = 0
        for u in range(v, end):
            out |= row[u]
        return out

    def reachable_total(self) -> int:
        out = 0
        for s in self.sets[0]:
            out |= s
        return out

    def nearest(self, target: int, allow_over: bool) -> int:
        reach = self.reachable_total()
        below = reach & ((1 << (target + 1)) - 1)
        best = below.bit_length() - 1  # -1: nothing reachable at or below the target
        if allow_over:
            above = reach >> target
            if above:
                up = target + ((above & -above).bit_length() - 1)
                if best < 0 or up - target < target - best:
                    best = up
        return best

    def rebuild(self, weights: np.ndarray, remaining: int, ideal: np.ndarray) -> np.ndarray:
        """Caps reaching exactly `remaining`, from the lowest tier up, each as close to the ideal as still feasible."""
        k = len(weights)
        caps = np.zeros(k, dtype=np.int64)
        level, owed = 0, 0.0
        for i in range(k):
            row = self.sets[i]
            end = len(row) if i == 0 or self.max_step is None else min(len(row), level + self.max_step + 1)
            ok = [v for v in range(level if i else 0, end) if (row[v] >> remaining) & 1]
            want = ideal[i] + (owed / weights[i] if weights[i] else 0.0)
            v = min(ok, key=lambda x: (abs(x - want), x))
            remaining -= int(weights[i]) * v
            caps[i] = level = v
            owed += (ideal[i] - v) * weights[i]
        return caps


def tier_caps(
    weights: np.ndarray,
    target: int,
    *,
    shape: np.ndarray | None = None,
    allow_over: bool = False,
    max_step: int | None = None,
    upper: np.ndarray | None = None,
    lower: np.ndarray | None = None,
) -> CapResult:
    """Caps per tier (lowest tier first) releasing as close to `target` as the rules allow.

    `weights`: eligible weight per tier, lowest tier first. `shape`: demand per retailer per
    tier (any scale), used only to choose among equally close vectors. `max_step`: the most
    a tier's cap may exceed the cap of the tier below it. `upper`: the most each tier's cap may be
    (a ceiling, method C's band caps), searched exactly, never cut afterwards; `lower`: the least
    (with `upper` only; a tier's bound below its lower one leaves nothing reachable, caps 0).
    """
    weights = np.asarray(weights, dtype=np.int64)
    k = len(weights)
    target = int(target)
    if k == 0 or target <= 0 or weights.sum() == 0:
        return CapResult(np.zeros(k, dtype=np.int64), 0, max(target, 0))
    if upper is not None:
        return _bounded_caps(weights, target, np.asarray(upper, dtype=np.int64), shape, allow_over, max_step, lower)
    coins = np.cumsum(weights[::-1])[::-1]  # C_t = weight at or above tier t
    if max_step is None:
        layers: _ResidueLayers | _BoundedLayers = _ResidueLayers(coins[::-1])
    else:
        limit = target + (int(coins.max()) * (max_step + 1) if allow_over else 0)
        layers = _BoundedLayers(coins[::-1], limit, max_step)
    best = layers.nearest(target, allow_over)
    ideal = _ideal_caps(weights, target, shape)
    candidates = [_rebuild(layers, coins, weights, best, ideal, np.zeros(k, dtype=np.int64), max_step)]
    if max_step is None:
        # Most of the sum laid down as the shape itself, the rest (large enough to be reachable
        # in any residue class) placed exactly on top: smoother when feasible sums are sparse.
        slack = int(layers.tables[-1].max())
        if best > slack:
            base = np.maximum.accumulate(np.floor(ideal * (best - slack) / max(best, 1)).astype(np.int64))
            candidates.append(_rebuild(layers, coins, weights, best - int((base * weights).sum()), ideal, base, None))
    caps = min(candidates, key=lambda c: float((weights * (c - ideal) ** 2).sum()))
    released = int((caps * weights).sum())
    return CapResult(caps, released, target)


def _rebuild(
    layers,
    coins: np.ndarray,
    weights: np.ndarray,
    remaining: int,
    ideal: np.ndarray,
    base: np.ndarray,
    max_step: int | None,
) -> np.ndarray:
    """Caps = base + a non-decreasing increment releasing exactly `remaining`, tier by tier from the lowest,
    each as close to the ideal as still feasible (shortfalls carried upward)."""
    k = len(weights)
    caps = np.zeros(k, dtype=np.int64)
    level, owed = 0, 0.0  # owed: cartons the tiers so far got below their ideal
    for i in range(k):  # lowest tier first: y_i raises tiers i..k-1 by one each
        coin = int(coins[i])
        if coin == 0:
            caps[i] = base[i] + level
            continue
        most = remaining // coin if max_step is None or i == 0 else min(remaining // coin, max_step)
        steps = np.arange(most + 1, dtype=np.int64)
        ok = steps[layers.reachable(k - 1 - i, remaining - steps * coin)]  # the tiers above can finish the sum
        want = ideal[i] + (owed / weights[i] if weights[i] else 0.0)
        y = int(ok[np.argmin(np.abs(base[i] + level + ok - want))])
        level += y
        remaining -= y * coin
        caps[i] = base[i] + level
        owed += (ideal[i] - caps[i]) * weights[i]
    return caps


def _ideal_caps(weights: np.ndarray, target: int, shape: np.ndarray | None) -> np.ndarray:
    """The demand shape (made non-decreasing upward) scaled so Σ ideal·W = target."""
    k = len(weights)
    base = np.linspace(1.0, 2.0, k) if shape is None else np.maximum.accumulate(np.maximum(np.asarray(shape, float), 0))
    if not base.any():
        base = np.ones(k)
    total = float((base * weights).sum())
    return base * (target / total) if total > 0 else np.zeros(k)


def _bounded_caps(
    weights: np.ndarray,
    target: int,
    upper: np.ndarray,
    shape: np.ndarray | None,
    allow_over: bool,
    max_step: int | None,
    lower: np.ndarray | None = None,
) -> CapResult:
    # Caps are non-decreasing upward, so a tier's cap can be no more than any bound above it.
    bound = np.minimum.accumulate(np.maximum(upper, 0)[::-1])[::-1]
    feasible = (lower is None or (bound >= lower).all()) and (max_step is None or (np.diff(bound) <= max_step).all())
    if feasible and target >= int((weights * bound).sum()):
        # Every cap at its bound (a valid vector: non-decreasing, above the floors, steps allowed)
        # still does not exceed the target: that is the most the bounds allow, the exact answer with
        # no search (a typo'd target of 10⁹ lands here, at once).
        return CapResult(bound.astype(np.int64), int((weights * bound).sum()), target)
    limit = max(target, int((weights * bound).sum())) if allow_over else target
    if int((bound + 1).sum()) * (limit + 1) > SEARCH_BITS:  # a typo'd target or ceiling: never stall a worker
        if lower is not None:  # re-spreading: keep the caps as they were
            floor = np.asarray(lower, dtype=np.int64)
            return CapResult(floor, int((floor * weights).sum()), target, exact=False)
        free = tier_caps(weights, target, shape=shape, allow_over=False, max_step=max_step)
        caps = np.minimum(free.caps, bound)
        return CapResult(caps, int((caps * weights).sum()), target, exact=False)
    layers = _ValueLayers(weights, bound, limit, max_step, lower)
    best = layers.nearest(target, allow_over)
    if best < 0:  # no vector within the bounds fits
        return CapResult(np.zeros(len(weights), dtype=np.int64), 0, target)
    caps = layers.rebuild(weights, best, _ideal_caps(weights, target, shape))
    return CapResult(caps, int((caps * weights).sum()), target)
