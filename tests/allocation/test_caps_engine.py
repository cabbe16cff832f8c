"""Exact caps: compared with brute force on small cases, and properties (hypothesis)."""

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from allocation.engine.caps import tier_caps


def brute_force_best(weights, target):
    """Largest Σ x·W ≤ target over all non-decreasing cap vectors (lowest tier first)."""
    k = len(weights)
    top = target // max(1, min(w for w in weights if w > 0)) + 1 if any(weights) else 0
    best = 0
    for caps in itertools.combinations_with_replacement(range(top + 1), k):  # sorted = non-decreasing
        s = sum(c * w for c, w in zip(caps, weights, strict=True))
        if s <= target:
            best = max(best, s)
    return best


def test_golden_one_cell():
    # 3 tiers, 10 / 5 / 2 retailers, 100 cartons
    result = tier_caps(np.array([10, 5, 2]), 100)
    assert result.released == 100
    assert (np.diff(result.caps) >= 0).all()
    assert int((result.caps * np.array([10, 5, 2])).sum()) == 100


def test_tiny_supply_goes_to_the_top_tier_first():
    result = tier_caps(np.array([50, 20, 3]), 7)
    assert result.caps.tolist() == [0, 0, 2]  # coins are 73, 23, 3: only the top tier fits
    assert result.released == 6


def test_empty_tiers_and_zero_target():
    assert tier_caps(np.array([0, 0, 0]), 50).released == 0
    assert tier_caps(np.array([4, 0, 2]), 0).caps.tolist() == [0, 0, 0]
    result = tier_caps(np.array([4, 0, 2]), 13)
    assert result.released == 12
    assert (np.diff(result.caps) >= 0).all()


def test_over_target_only_when_allowed():
    weights = np.array([10, 10])
    assert tier_caps(weights, 19).released == 10
    assert tier_caps(weights, 19, allow_over=True).released == 20


def test_demand_shape_breaks_ties():
    weights = np.array([10, 10, 10])
    flat = tier_caps(weights, 60, shape=np.array([1, 1, 1]))
    steep = tier_caps(weights, 60, shape=np.array([1, 2, 3]))
    assert flat.released == steep.released == 60
    assert flat.caps.tolist() == [2, 2, 2]
    assert steep.caps.tolist() == [1, 2, 3]


@settings(max_examples=150, deadline=None)
@given(
    weights=st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=4),
    target=st.integers(min_value=0, max_value=40),
)
def test_exact_against_brute_force(weights, target):
    result = tier_caps(np.array(weights), target)
    assert result.released == brute_force_best(weights, target)


@settings(max_examples=100, deadline=None)
@given(
    weights=st.lists(st.integers(min_value=0, max_value=3000), min_size=1, max_size=30),
    target=st.integers(min_value=0, max_value=200_000),
    seed=st.integers(min_value=0, max_value=1000),
)
def test_properties(weights, target, seed):
    w = np.array(weights)
    shape = np.random.default_rng(seed).random(len(w))
    result = tier_caps(w, target, shape=shape)
    caps = result.caps
    assert caps.dtype.kind == "i"
    assert (caps >= 0).all()
    assert (np.diff(caps) >= 0).all(), "a higher tier got less"
    assert result.released == int((caps * w).sum())
    assert result.released <= target
    again = tier_caps(w, target, shape=shape)
    assert np.array_equal(again.caps, caps)
