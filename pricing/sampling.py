"""Which products to check on a visit: `n` at random, scarce products weighted up (DOMAIN.md §5)."""

from __future__ import annotations

import numpy as np


def sample_products(
    product_ids: list[int], scarce: list[bool], n: int, seed: int, scarce_weight: float = 3.0
) -> list[int]:
    """`n` distinct products (all of them if fewer), scarce ones `scarce_weight` times as likely; the
    same seed gives the same sample (a visit's list does not change on reload)."""
    if len(product_ids) <= n:
        return sorted(product_ids)
    weights = np.where(np.asarray(scarce, dtype=bool), scarce_weight, 1.0)
    rng = np.random.default_rng(seed)
    chosen = rng.choice(np.asarray(product_ids), size=n, replace=False, p=weights / weights.sum())
    return sorted(int(p) for p in chosen)
