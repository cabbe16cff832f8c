"""Exact caps: compared with brute force on small cases, and properties (hypothesis)."""

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from allocation.engine.caps import tier_caps


def brute_force_best(weights, target, max_step=None, allow_over=False):
    """Closest Σ x·W to target (≤ target unless allowed) over all non-decreasing cap vectors."""
    k = len(weights)
    top = 2 * target // max(1, min(w for w in weights if w > 0)) + 2 if any(weights) else 0
    sums = set()
    for caps in itertools.combinations_with_replacement(range(top + 1), k):  # sorted = non-decreasing
        if max_step is None or all(b - a <= max_step for a, b in itertools.pairwise(caps)):
            sums.add(sum(c * w for c, w in zip(caps, weights, strict=True)))
    allowed = sums if allow_over else {s for s in sums if s <= target}
    return min(allowed, key=lambda s: (abs(s - target), s > target))  # ties: stay below


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
    assert result.released == int((result.caps * np.array(weights)).sum())


@settings(max_examples=100, deadline=None)
@given(
    weights=st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=4),
    target=st.integers(min_value=0, max_value=40),
    max_step=st.integers(min_value=0, max_value=3),
    allow_over=st.booleans(),
)
def test_exact_with_a_step_limit_or_going_over(weights, target, max_step, allow_over):
    w = np.array(weights)
    bounded = tier_caps(w, target, max_step=max_step, allow_over=allow_over)
    assert bounded.released == brute_force_best(weights, target, max_step=max_step, allow_over=allow_over)
    assert (np.diff(bounded.caps) <= max_step).all()
    assert (np.diff(bounded.caps) >= 0).all()
    free = tier_caps(w, target, allow_over=allow_over)
    assert abs(free.error) == abs(brute_force_best(weights, target, allow_over=allow_over) - target)


def test_large_target_costs_no_more_than_a_small_one():
    # The residue method's work depends on the smallest coin, not on the target.
    weights = np.array([900, 700, 400, 90, 7])
    result = tier_caps(weights, 10**9 + 3)
    assert result.released <= 10**9 + 3
    assert result.target - result.released < 7  # gcd is 1 and the target is far above the Frobenius number
    assert (np.diff(result.caps) >= 0).all()


def test_max_step_limits_neighbouring_tiers():
    weights = np.array([10, 10, 10])
    result = tier_caps(weights, 60, shape=np.array([1, 5, 25]), max_step=1)
    assert result.released == 60
    assert np.diff(result.caps).max() <= 1


@settings(max_examples=100, deadline=None)
@given(
    weights=st.lists(st.integers(min_value=0, max_value=3000), min_size=1, max_size=30),
    target=st.integers(min_value=0, max_value=200_000),
    seed=st.integers(min_value=0, max_value=1000),
    max_step=st.one_of(st.none(), st.integers(min_value=1, max_value=50)),
)
def test_properties(weights, target, seed, max_step):
    w = np.array(weights)
    shape = np.random.default_rng(seed).random(len(w))
    result = tier_caps(w, target, shape=shape, max_step=max_step)
    caps = result.caps
    assert caps.dtype.kind == "i"
    assert (caps >= 0).all()
    assert (np.diff(caps) >= 0).all(), "a higher tier got less"
    assert result.released == int((caps * w).sum())
    assert result.released <= target
    again = tier_caps(w, target, shape=shape, max_step=max_step)
    assert np.array_equal(again.caps, caps)


def brute_force_bounded(weights, target, upper, lower=None, max_step=None, allow_over=False):
    """Closest Σ x·W to target over non-decreasing x with lower ≤ x ≤ upper per tier (None: nothing fits)."""
    lower = lower or [0] * len(weights)
    sums = set()
    for caps in itertools.product(*[range(lo, hi + 1) for lo, hi in zip(lower, upper, strict=True)]):
        steps = [b - a for a, b in itertools.pairwise(caps)]
        if any(s < 0 for s in steps) or (max_step is not None and any(s > max_step for s in steps)):
            continue
        sums.add(sum(c * w for c, w in zip(caps, weights, strict=True)))
    allowed = sums if allow_over else {s for s in sums if s <= target}
    return min(allowed, key=lambda s: (abs(s - target), s > target)) if allowed else None


@settings(max_examples=200, deadline=None)
@given(
    data=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(0, 2)), min_size=1, max_size=4),
    target=st.integers(min_value=1, max_value=40),
    max_step=st.one_of(st.none(), st.integers(min_value=0, max_value=3)),
    allow_over=st.booleans(),
)
def test_bounds_inside_the_search_against_brute_force(data, target, max_step, allow_over):
    """A ceiling or a price band's caps as upper bounds, earlier caps as lower bounds: the search
    finds the brute-force best, never clips afterwards."""
    weights = [d[0] for d in data]
    upper = [d[1] for d in data]
    lower = [min(d[2], d[1]) for d in data]
    if sum(weights) == 0:
        return
    result = tier_caps(
        np.array(weights), target, upper=np.array(upper), lower=np.array(lower), max_step=max_step,
        allow_over=allow_over,
    )  # fmt: skip
    best = brute_force_bounded(weights, target, upper, lower, max_step=max_step, allow_over=allow_over)
    if best is None:  # no vector respects the bounds
        assert result.released == 0
        return
    assert result.released == best
    caps = result.caps
    assert (np.diff(caps) >= 0).all()
    assert (caps <= np.array(upper)).all()
    assert (caps >= np.array(lower)).all()


def test_method_c_steeper_shape_fits_the_band_instead_of_being_clipped():
    # Two tiers of 5 retailers, band caps (2, 2), product target 20, demand shape rising 1 → 10.
    # Unbounded, the shape would pick (0, 4) = 20 and clipping to the band would leave (0, 2) = 10;
    # searched within the band, (2, 2) = 5·2 + 5·2 = 20 releases the whole target.
    result = tier_caps(np.array([5, 5]), 20, shape=np.array([1.0, 10.0]), upper=np.array([2, 2]))
    assert result.caps.tolist() == [2, 2]
    assert result.released == 20
