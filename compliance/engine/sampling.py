"""Who and what to inspect: weighted random samples that stay the same for the same seed (docs/domain.md §5)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# A retailer's weight in the week's inspection list: repeat violators are visited more often,
# shops inspected in the last few weeks less often, so visits spread over every shop.
REPEAT_VIOLATOR_WEIGHT = 2.0
RECENTLY_INSPECTED_WEIGHT = 0.25
RECENT_WEEKS = 4


def weighted_sample(ids: Sequence[int], weights: Sequence[float], n: int, seed: int) -> list[int]:
    """`n` distinct ids (all of them if fewer), each as likely as its weight; the same seed gives the
    same sample (a list does not change on reload)."""
    if len(ids) <= n:
        return sorted(int(i) for i in ids)
    w = np.asarray(weights, dtype=float)
    rng = np.random.default_rng(seed)
    chosen = rng.choice(np.asarray(ids), size=n, replace=False, p=w / w.sum())
    return sorted(int(i) for i in chosen)


def sample_products(
    product_ids: list[int], scarce: list[bool], n: int, seed: int, scarce_weight: float = 3.0
) -> list[int]:
    """`n` distinct products, scarce ones `scarce_weight` times as likely (docs/domain.md §5: scarce
    products are where prices leave the guide, so they are checked more often).

    This oversampling does not lean the price index: `checks.price_index` takes one term per product
    (the mean of its checks, weighted by its cartons), so how often a product is checked does not
    change its weight. Only coverage is left: with few visits (one shop, one week) a scarce product is
    likelier to be among the products checked at all; over a manager's month every product a shop
    sells is usually checked (tests/compliance/test_compliance.py measures both)."""
    return weighted_sample(product_ids, np.where(np.asarray(scarce, dtype=bool), scarce_weight, 1.0), n, seed)


def retailer_weights(retailer_ids: list[int], repeat_violators: set[int], recently_inspected: set[int]) -> list[float]:
    """Repeat violators weigh REPEAT_VIOLATOR_WEIGHT (followed up however recently visited); other
    shops inspected lately RECENTLY_INSPECTED_WEIGHT; the rest 1."""
    return [
        REPEAT_VIOLATOR_WEIGHT
        if r in repeat_violators
        else RECENTLY_INSPECTED_WEIGHT
        if r in recently_inspected
        else 1.0
        for r in retailer_ids
    ]
