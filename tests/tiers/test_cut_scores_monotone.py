"""Cut scores never fall as the tier rises (tiers.engine.classify.monotone_cut_scores): by volume ×
value the lowest score placed in a tier can be below the one of the tier under it; the cut of a
tier is the lowest score placed in it or above. Golden cases worked on paper, and a property test
on random frames of every assignment mode (docs/domain.md §3)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiers.engine.classify import TIERS, Scheme, classify, monotone_cut_scores, tier_summary

NAN = np.nan


def test_monotone_cut_scores_by_hand_with_ties_and_empty_tiers():
    # Lowest score placed per tier (D1 … D7, D30; the others empty):
    #   D1 40, D2 —, D3 55, D4 50, D5 50, D6 70, D7 45, D30 90.
    # The cut is the lowest at the tier or above (empty tiers skipped, they keep no cut):
    #   D30 90; D7 45; D6 min(70, 45) = 45; D5 min(50, 45) = 45; D4 45; D3 min(55, 45) = 45;
    #   D2 — (empty); D1 min(40, 45) = 40.
    lowest = pd.Series(NAN, index=pd.Index(range(30, 0, -1), name="tier"))  # as the summary holds it
    lowest[[1, 3, 4, 5, 6, 7, 30]] = [40.0, 55.0, 50.0, 50.0, 70.0, 45.0, 90.0]
    cuts = monotone_cut_scores(lowest)
    assert cuts.index.tolist() == lowest.index.tolist()  # same order back
    assert cuts[[1, 3, 4, 5, 6, 7, 30]].tolist() == [40.0, 45.0, 45.0, 45.0, 45.0, 45.0, 90.0]
    assert cuts[[2, *range(8, 30)]].isna().all()
    # already rising (share bands): unchanged, ties included
    rising = pd.Series([10.0, 10.0, NAN, 20.0], index=[1, 2, 3, 4])
    assert monotone_cut_scores(rising).tolist()[:2] == [10.0, 10.0]
    assert monotone_cut_scores(rising)[4] == 20.0
    assert monotone_cut_scores(pd.Series([NAN, NAN], index=[1, 2])).isna().all()  # all empty


def test_volume_value_cut_scores_rise_with_the_tier():
    # Four shops, scored on value per carton only (rank: (2 − rank/4) × 30):
    #   A 10 cartons for 3,000 → 300 a carton, rank 1 → 52.5
    #   B 20 cartons for 4,000 → 200,          rank 2 → 45
    #   C 30 cartons for 3,000 → 100,          rank 3 → 37.5
    #   D bought nothing (idle) → 0,           rank 4 → 30
    # Volume bands of 4 (fewer than 30: no fill): 0 0 0 0 0 0 1 1 1 1; D (idle) in band 1, A, B, C
    # in bands 8, 9, 10; alone in their band each takes value band 3 (D: 1, idle).
    # Tiers: D (1 − 1) × 3 + 1 = D1; A 7 × 3 + 3 = D24; B D27; C D30.
    # Lowest score placed: D1 30, D24 52.5, D27 45, D30 37.5 — falling as the tier rises.
    # Cut scores: D30 37.5; D27 min(45, 37.5) = 37.5; D24 min(52.5, 37.5) = 37.5; D1 30.
    frame = pd.DataFrame(
        {
            "retailer_id": [1, 2, 3, 4],
            "amount": [3000.0, 4000.0, 3000.0, 0.0],
            "quantity": [10.0, 20.0, 30.0, 0.0],
            "credit_rating": "AA",
            "old_tier": 0,
            "market_type": "urban",
            "business_format": "Z",
        }
    )
    scheme = Scheme(weights={"value_per_carton": 30.0}, assignment="volume_value", move_limit=None)
    result = classify(frame, scheme)
    assert result["raw_tier"].tolist() == [24, 27, 30, 1]
    assert result["score"].tolist() == [52.5, 45.0, 37.5, 30.0]
    summary = tier_summary(result, "volume_value")
    assert summary.loc[[1, 24, 27, 30], "cut_score"].tolist() == [30.0, 37.5, 37.5, 37.5]
    assert summary["cut_score"].notna().sum() == 4  # the 26 empty tiers keep no cut
    # every shop reaches the cut of its tier
    assert all(s >= summary.loc[t, "cut_score"] for s, t in zip(result["score"], result["raw_tier"], strict=True))


def _frame(rng: np.random.Generator, n: int, levels: int, idle_share: float) -> pd.DataFrame:
    quantity = rng.integers(1, levels + 1, n).astype(float)  # few levels: many ties
    amount = quantity * rng.choice([90.0, 150.0, 300.0, 600.0], n)
    idle = rng.random(n) < idle_share
    quantity[idle], amount[idle] = 0.0, 0.0
    return pd.DataFrame(
        {
            "retailer_id": np.arange(1, n + 1),
            "amount": amount,
            "quantity": quantity,
            "credit_rating": rng.choice(["AAA", "AA", "B"], n),
            "old_tier": rng.integers(0, TIERS + 1, n),
            "market_type": "urban",
            "business_format": "Z",
        }
    )


@settings(max_examples=80, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=120),
    levels=st.integers(min_value=1, max_value=40),
    idle_share=st.sampled_from([0.0, 0.2]),
    seed=st.integers(min_value=0, max_value=10_000),
    assignment=st.sampled_from(["share_bands", "volume_value", "thresholds"]),
    limit=st.sampled_from([None, 3]),
)
def test_cut_scores_rise_and_every_tier_is_consistent_with_them(n, levels, idle_share, seed, assignment, limit):
    rng = np.random.default_rng(seed)
    thresholds = tuple(float(t) for t in np.linspace(45.0, 100.0, TIERS - 1))
    scheme = Scheme(
        weights={"amount": 40.0, "quantity": 30.0, "value_per_carton": 30.0, "credit": 5.0},
        assignment=assignment, thresholds=thresholds, move_limit=limit,
    )  # fmt: skip
    result = classify(_frame(rng, n, levels, idle_share), scheme)
    cuts = tier_summary(result, assignment)["cut_score"].sort_index()  # D1 … D30
    placed = cuts.dropna()
    assert (np.diff(placed.to_numpy()) >= 0).all(), "a higher tier's cut score below a lower tier's"
    # a tier has a cut exactly when the run placed somebody in it by score
    assert set(placed.index) == set(result["raw_tier"].unique())
    scores, raw = result["score"].to_numpy(), result["raw_tier"].to_numpy()
    for tier, cut in placed.items():
        # the cut is the lowest score placed in the tier or above: reached by all of them, and by one
        at_or_above = scores[raw >= tier]
        assert cut == pytest.approx(at_or_above.min())
        assert (scores[raw == tier] >= cut - 1e-9).all()
    if assignment != "volume_value":
        # where the score makes the tier, a cut is the tier's own lowest score and no retailer of a
        # lower tier reaches it (idle retailers aside: they are in D1 whatever their credit points,
        # which can put them above a buyer of D2)
        idle = result["idle"].to_numpy()
        for tier, cut in placed.items():
            if not idle[raw == tier].any():
                assert cut == pytest.approx(scores[raw == tier].min())
            assert (scores[(raw < tier) & ~idle] < cut).all()
