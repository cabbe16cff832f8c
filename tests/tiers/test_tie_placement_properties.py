"""Placing tied retailers (tiers.engine.classify.place_groups) against brute force on small cases,
and the classification's tie rules on random small frames full of ties (hypothesis)."""

import itertools

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tiers.engine.classify import TIERS, Scheme, classify, place_groups


def cost(sizes: np.ndarray, targets: np.ndarray, tiers: np.ndarray) -> float:
    """Σ_t |retailers in tiers 1..t − wanted in tiers 1..t|: tier steps away from the bands."""
    placed = np.bincount(tiers, weights=sizes, minlength=len(targets) + 1)[1:]
    return float(np.abs(np.cumsum(placed)[:-1] - np.cumsum(targets)[:-1]).sum())


def allowed(tiers: np.ndarray, groups: int, k: int, *, fill: bool, bottom_alone: bool, min_groups: int) -> bool:
    """The rules, written out independently of the engine."""
    if (np.diff(tiers) < 0).any() or tiers.min() < 1 or tiers.max() > k:
        return False  # a higher group never gets a lower tier
    if bottom_alone and tiers[0] != 1:
        return False  # the idle group is in the lowest tier
    per_tier = np.bincount(tiers, minlength=k + 1)[1:]
    if fill and groups >= k * min_groups:
        return bool((per_tier >= min_groups).all())
    if fill and groups >= k:
        return bool((per_tier >= 1).all())  # no empty tier
    if fill:
        return bool((per_tier <= 1).all())  # too few groups: each one a tier of its own
    return True


def brute_force(sizes, targets, **rules) -> float:
    k, groups = len(targets), len(sizes)
    best = np.inf
    for combo in itertools.combinations_with_replacement(range(1, k + 1), groups):
        tiers = np.array(combo)
        if allowed(tiers, groups, k, **rules):
            best = min(best, cost(sizes, targets, tiers))
    return best


@settings(max_examples=400, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=11),
    k=st.integers(min_value=2, max_value=5),
    seed=st.integers(min_value=0, max_value=2**16),
    fill=st.booleans(),
    bottom_alone=st.booleans(),
    min_groups=st.integers(min_value=1, max_value=3),
)
def test_placement_is_as_good_as_brute_force_and_keeps_the_rules(sizes, k, seed, fill, bottom_alone, min_groups):
    sizes = np.array(sizes)
    # any split of the retailers over k tiers, zeros allowed
    targets = np.random.default_rng(seed).multinomial(int(sizes.sum()), np.ones(k) / k)
    rules = {"fill": fill, "bottom_alone": bottom_alone, "min_groups": min_groups}
    tiers = place_groups(sizes, targets, **rules).astype(int)
    assert allowed(tiers, len(sizes), k, **rules)
    assert cost(sizes, targets, tiers) == brute_force(sizes, targets, **rules)


def test_placement_windows_on_many_groups_match_the_full_search():
    # The search only tries lines near their nearest places (within step × (lines − 1)); on
    # 3 tiers (2 lines, radius 1 or 2) and 40 groups that window is far smaller than the range.
    rng = np.random.default_rng(5)
    for _ in range(30):
        sizes = rng.integers(1, 5, 14)
        targets = rng.multinomial(int(sizes.sum()), [0.1, 0.3, 0.6])
        for min_groups in (1, 2):
            rules = {"fill": True, "bottom_alone": bool(rng.integers(2)), "min_groups": min_groups}
            tiers = place_groups(sizes, targets, **rules).astype(int)
            assert cost(sizes, targets, tiers) == brute_force(sizes, targets, **rules)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=160),
    levels=st.integers(min_value=1, max_value=60),
    idle_share=st.sampled_from([0.0, 0.1, 0.4]),
    seed=st.integers(min_value=0, max_value=10_000),
    assignment=st.sampled_from(["share_bands", "volume_value"]),
)
def test_classification_tie_rules(n, levels, idle_share, seed, assignment):
    rng = np.random.default_rng(seed)
    quantity = rng.integers(1, levels + 1, n).astype(float)  # few levels: many ties
    amount = quantity * 100.0 * rng.integers(1, 3, n)
    idle = rng.random(n) < idle_share
    quantity[idle], amount[idle] = 0.0, 0.0
    frame = pd.DataFrame(
        {
            "retailer_id": rng.permutation(n) + 1,
            "amount": amount,
            "quantity": quantity,
            "credit_rating": "AA",
            "old_tier": 0,
            "market_type": "urban",
            "business_format": "Z",
        }
    )
    result = classify(frame, Scheme(assignment=assignment, move_limit=None))
    raw = result["raw_tier"].to_numpy()
    if assignment == "share_bands":
        key = result["score"].where(~result["idle"], -1.0)
        assert (result.groupby(key)["raw_tier"].nunique() == 1).all(), "equal scores, different tiers"
        order = np.argsort(key.to_numpy(), kind="stable")
        assert (np.diff(raw[order]) >= 0).all(), "a higher score got a lower tier"
        distinct = key.nunique()
        nonempty = len(np.unique(raw))
        if n >= TIERS:
            assert nonempty == min(distinct, TIERS), "a tier empty that the ties did not force"
    else:
        pairs = result.groupby(["quantity", "value_per_carton"])["raw_tier"].nunique()
        assert (pairs == 1).all(), "equal figures, different tiers"
    if idle.any():
        assert (result.loc[result["idle"], "raw_tier"] == 1).all()
        assert result["idle"].to_numpy().tolist() == idle.tolist()
    # the same frame in another order gives every retailer the same tier
    again = classify(frame.sample(frac=1, random_state=seed), Scheme(assignment=assignment, move_limit=None))
    mine = dict(zip(result["retailer_id"], result["raw_tier"], strict=True))
    assert all(mine[r] == t for r, t in zip(again["retailer_id"], again["raw_tier"], strict=True))
