"""The budget planner: within this cycle's quotas, the order that earns the most gross profit for
a given budget. A bounded knapsack solved exactly by dynamic programming over the budget (in
units of the greatest common divisor of the prices, so yuan-priced cartons stay small), each
product's quota split into powers of two (0/1 items)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MAX_CELLS = 500_000  # budget steps; above this the prices are rounded up to a coarser unit (still feasible)


@dataclass(frozen=True)
class Item:
    product: int
    quota: int  # cartons available to order
    cost: int  # wholesale price per carton, fen
    profit: int  # retail − wholesale per carton, fen
    band: str = ""


@dataclass(frozen=True)
class Plan:
    quantities: dict[int, int]  # product -> cartons
    cost: int
    profit: int
    exact: bool  # False when prices had to be rounded to a coarser unit

    def band_totals(self, items: list[Item]) -> dict[str, dict[str, int]]:
        totals: dict[str, dict[str, int]] = {}
        for item in items:
            qty = self.quantities.get(item.product, 0)
            if qty:
                band = totals.setdefault(item.band, {"cartons": 0, "cost": 0, "profit": 0})
                band["cartons"] += qty
                band["cost"] += qty * item.cost
                band["profit"] += qty * item.profit
        return totals


def _pieces(quota: int) -> list[int]:
    """Split a quota into powers of two (and a remainder) whose sums make every count 0..quota."""
    pieces, k = [], 1
    while quota > 0:
        take = min(k, quota)
        pieces.append(take)
        quota -= take
        k *= 2
    return pieces


def plan(items: list[Item], budget: int) -> Plan:
    """The most profitable order with Σ qty × cost ≤ budget and 0 ≤ qty ≤ quota per product.
    Products that lose money or cost nothing are left out (they never help within a budget)."""
    useful = [i for i in items if i.quota > 0 and i.profit > 0 and i.cost > 0]
    if budget <= 0 or not useful:
        return Plan({}, 0, 0, True)
    if sum(i.quota * i.cost for i in useful) <= budget:
        quantities = {i.product: i.quota for i in useful}
        return _plan_of(quantities, useful, exact=True)
    unit = math.gcd(*(i.cost for i in useful))
    exact = budget // unit <= MAX_CELLS
    if not exact:
        unit = math.ceil(budget / MAX_CELLS)
    capacity = budget // unit
    pieces = [(i, n) for i in useful for n in _pieces(i.quota)]
    best = np.zeros(capacity + 1, dtype=np.int64)
    taken = np.zeros((len(pieces), capacity + 1), dtype=bool)
    for k, (item, n) in enumerate(pieces):
        weight = math.ceil(item.cost / unit) * n
        if weight > capacity:
            continue
        candidate = best[:-weight] + item.profit * n
        better = candidate > best[weight:]
        taken[k, weight:] = better
        best[weight:] = np.where(better, candidate, best[weight:])
    quantities: dict[int, int] = {}
    room = capacity
    for k in range(len(pieces) - 1, -1, -1):
        if taken[k, room]:
            item, n = pieces[k]
            quantities[item.product] = quantities.get(item.product, 0) + n
            room -= math.ceil(item.cost / unit) * n
    return _plan_of(quantities, useful, exact=exact)


def _plan_of(quantities: dict[int, int], items: list[Item], *, exact: bool) -> Plan:
    by_product = {i.product: i for i in items}
    cost = sum(q * by_product[p].cost for p, q in quantities.items())
    profit = sum(q * by_product[p].profit for p, q in quantities.items())
    return Plan(dict(sorted(quantities.items())), cost, profit, exact)
