"""The figures a retailer's report opens with, from plain numbers: its rank among the shops it is
compared with, the quota left in the cycle and the three opportunities worth the most."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


def rank(value: float, values: Iterable[float]) -> tuple[int, int]:
    """(rank, count) of `value` among `values` (which include it), highest first; equal values
    share a rank (competition ranking: 100, 80, 80, 50 rank 1, 2, 2, 4)."""
    values = list(values)
    return 1 + sum(1 for v in values if v > value), len(values)


def quota_left(quotas: Mapping[int, int], ordered: Mapping[int, int]) -> int:
    """Cartons of this cycle's quotas not ordered yet: per product the quota less what was ordered,
    never below zero (ordering more of one product leaves no room on another)."""
    return sum(max(quota - ordered.get(product, 0), 0) for product, quota in quotas.items())


@dataclass(frozen=True)
class Opportunity:
    kind: str  # "upgrade": quota left that pays better; "missing": peers sell it, this shop does not
    product: int
    value: int  # fen: for an upgrade the extra profit if the room is ordered this cycle
    # (room × gain per carton), for a missing product the peers' profit on it per week
    room: int = 0  # cartons left (upgrade)
    per_carton: int = 0  # fen of extra profit per carton (upgrade)


def top_opportunities(
    *, upgrades: Iterable[tuple[int, int, int]], missing: Iterable[tuple[int, int]], n: int = 3
) -> list[Opportunity]:
    """The `n` opportunities worth the most fen: upgrades are (product, room, gain per carton),
    missing products (product, weekly profit). On a tie an upgrade comes first (the quota is there
    already), then the lower product id. A product is named once, for what it is worth most (one
    the shop has quota for but has not bought in 13 weeks is both)."""
    found = [Opportunity("upgrade", p, room * gain, room, gain) for p, room, gain in upgrades if room > 0 and gain > 0]
    found += [Opportunity("missing", p, weekly) for p, weekly in missing if weekly > 0]
    found.sort(key=lambda o: (-o.value, o.kind != "upgrade", o.product))
    named: set[int] = set()
    top = []
    for opportunity in found:
        if opportunity.product not in named:
            named.add(opportunity.product)
            top.append(opportunity)
    return top[:n]
