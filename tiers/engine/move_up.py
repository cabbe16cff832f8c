"""What one score part alone would have to reach for a retailer to move up (pure: no Django).

A retailer's part scores as `classify.score` makes it from its figure among the others ranked with
it (the same re-rating, the same scope). Given the others' figures and the points the part must
give, the least figure that gives them, all else unchanged: raising that part alone (the purchase
amount, the cartons or the value per carton) would have reached the line at that re-rating."""

from __future__ import annotations

import math

import numpy as np

EPSILON = 1e-6  # scores are stored to 4 decimals


def figure_for_points(others: np.ndarray, weight: float, scoring: str, points: float) -> float | None:
    """The least figure giving at least `points` for a part of `weight` among `others` (the figures
    of the other retailers ranked with it), or None when no figure gives them.

    "rank": (2 − rank/N) × W with rank = 1 + the others above it (ties share the best rank), N the
    others and itself; "minmax": (x − min)/(max − min) × W over the others and itself."""
    others = np.sort(np.asarray(others, dtype=float))[::-1]  # highest first
    if weight <= 0 or len(others) == 0:
        return None
    if scoring == "rank":
        n = len(others) + 1
        above = math.floor(n * (2 - (points - EPSILON) / weight) - 1 + EPSILON)  # others it may leave above it
        if above < 0:
            return None
        if above >= len(others):
            return 0.0
        return float(others[above])  # equal to it: that one is no longer above
    low, high = float(others.min()), float(others.max())
    if points > weight + EPSILON:
        return None
    if high == low:
        return high if points > weight / 2 + EPSILON else low
    return low + max(points, 0.0) / weight * (high - low)
