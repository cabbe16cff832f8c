"""The tier engine on small frames: golden cases and properties (hypothesis)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiers.engine.classify import (
    DEFAULT_SHARE_BANDS,
    TIERS,
    Scheme,
    apply_move_limit,
    apply_upgrades_cover_downgrades,
    classify,
    national_type,
    share_band_counts,
    tier_summary,
)


def frame_of(amounts, quantities=None, old=None, credit=None):
    n = len(amounts)
    return pd.DataFrame(
        {
            "retailer_id": np.arange(1, n + 1),
            "amount": np.asarray(amounts, dtype=float),
            "quantity": np.asarray(quantities if quantities is not None else np.ones(n) * 10, dtype=float),
            "credit_rating": credit or ["AA"] * n,
            "old_tier": old if old is not None else [0] * n,
            "market_type": ["urban"] * n,
            "business_format": ["Z"] * n,
        }
    )


AMOUNT_ONLY = Scheme(weights={"amount": 40.0}, move_limit=None)


def test_rank_score_formula_by_hand():
    result = classify(frame_of([300, 100, 200, 400]), AMOUNT_ONLY)
    # ranks 2, 4, 3, 1 of N = 4: (2 − r/4) × 40
    assert result["score_amount"].tolist() == [60.0, 40.0, 50.0, 70.0]
    assert result["score"].tolist() == [60.0, 40.0, 50.0, 70.0]


def test_golden_thirty_retailers_one_per_tier():
    result = classify(frame_of(np.arange(1, 31) * 100), AMOUNT_ONLY)
    assert result["tier"].tolist() == list(range(1, 31))


def test_golden_hundred_retailers_share_bands():
    result = classify(frame_of(np.arange(1, 101) * 10.0), AMOUNT_ONLY)
    counts = result.groupby("tier").size().reindex(range(1, 31), fill_value=0)
    # bands of 100 retailers: 9 / 18 / 23 / 23 / 27
    assert counts.loc[26:30].sum() == 9
    assert counts.loc[21:25].sum() == 18
    assert counts.loc[16:20].sum() == 23
    assert counts.loc[11:15].sum() == 23
    assert counts.loc[1:10].sum() == 27
    assert (counts > 0).all()
    assert result.loc[result["amount"].idxmax(), "tier"] == 30
    assert result.loc[result["amount"].idxmin(), "tier"] == 1


def test_equal_scores_get_equal_tiers():
    result = classify(frame_of([100] * 40 + list(range(200, 240))), AMOUNT_ONLY)
    assert result[result["amount"] == 100]["tier"].nunique() == 1


def test_move_limit_and_new_retailers():
    raw = np.array([30, 1, 10, 20], dtype=np.int16)
    old = np.array([10, 10, 0, 19], dtype=np.int16)
    assert apply_move_limit(raw, old, 3).tolist() == [13, 7, 10, 20]
    assert apply_move_limit(raw, old, None).tolist() == raw.tolist()


def test_upgrades_cover_downgrades_keeps_the_best_scoring_downgraded():
    old = np.array([10, 10, 10, 10], dtype=np.int16)
    new = np.array([11, 9, 8, 7], dtype=np.int16)
    scores = np.array([5.0, 1.0, 3.0, 2.0])
    out = apply_upgrades_cover_downgrades(new, old, scores)
    # one upgrade: only one downgrade may stay, the lowest-scoring one (index 1)
    assert out.tolist() == [11, 9, 10, 10]


def test_thresholds_mode():
    cuts = tuple(float(x) for x in range(10, 300, 10))  # 29 cut scores
    scheme = Scheme(weights={"amount": 40.0}, assignment="thresholds", thresholds=cuts, move_limit=None)
    result = classify(frame_of([10, 20, 30]), scheme)
    # ranks 3, 2, 1 of 3 give scores 40, 53.3, 66.7: tier = 1 + number of cuts at or below the score
    assert result["tier"].tolist() == [5, 6, 7]
    with pytest.raises(ValueError, match="29 ascending"):
        classify(frame_of([1, 2]), Scheme(assignment="thresholds", thresholds=(1.0, 2.0)))


def test_volume_value_mode():
    rng = np.random.default_rng(0)
    qty = rng.uniform(1, 100, 300)
    per_carton = rng.uniform(50, 500, 300)
    result = classify(frame_of(qty * per_carton, qty), Scheme(assignment="volume_value", move_limit=None))
    assert set(result["tier"]) == set(range(1, 31))
    biggest = result.loc[result["quantity"].idxmax()]
    assert biggest["tier"] >= 28  # top volume band: tiers 28–30 by value per carton
    smallest = result.loc[result["quantity"].idxmin()]
    assert smallest["tier"] <= 3


def test_national_type_code():
    frame = pd.DataFrame(
        {
            "market_type": ["urban"] * 3 + ["rural"],
            "business_format": ["Z"] * 3 + ["B"],
            "quantity": [30.0, 20.0, 10.0, 5.0],
        }
    )
    codes = national_type(frame["market_type"], frame["business_format"], frame["quantity"])
    assert codes.tolist() == ["CZ1", "CZ2", "CZ3", "NB1"]


def test_summary_counts_ups_and_downs():
    result = classify(frame_of(np.arange(1, 31) * 100, old=[15] * 30), Scheme(weights={"amount": 40.0}, move_limit=3))
    summary = tier_summary(result)
    assert summary["after"].sum() == 30
    assert summary.loc[15, "before"] == 30
    assert summary["ups"].sum() == (result["tier"] > 15).sum()
    assert summary["downs"].sum() == (result["tier"] < 15).sum()


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=400),
    seed=st.integers(min_value=0, max_value=10_000),
    limit=st.sampled_from([None, 1, 3, 5]),
)
def test_properties(n, seed, limit):
    rng = np.random.default_rng(seed)
    amounts = rng.permutation(n) * 7.0 + rng.random(n)  # distinct scores
    old = rng.integers(0, 31, size=n)
    result = classify(frame_of(amounts, old=old.tolist()), Scheme(weights={"amount": 40.0}, move_limit=limit))
    tiers = result["tier"].to_numpy()
    assert ((tiers >= 1) & (tiers <= TIERS)).all()
    raw = result["raw_tier"].to_numpy()
    order = np.argsort(result["score"].to_numpy())
    assert (np.diff(raw[order]) >= 0).all(), "tier decreased as score increased"
    if limit is not None:
        rated = old > 0
        assert (np.abs(tiers[rated] - old[rated]) <= limit).all()
    else:
        assert (tiers == raw).all()
    counts = np.bincount(raw, minlength=TIERS + 1)
    if n >= TIERS:
        assert (counts[1:] > 0).all(), "an empty tier"
    if n >= 100:
        for low, high, share in DEFAULT_SHARE_BANDS:
            assert abs(counts[low : high + 1].sum() - share * n) <= 1
    again = classify(frame_of(amounts, old=old.tolist()), Scheme(weights={"amount": 40.0}, move_limit=limit))
    assert again.equals(result)


def test_share_band_counts_sum_to_n():
    for n in (0, 1, 29, 30, 31, 99, 1000, 15001):
        assert share_band_counts(n, DEFAULT_SHARE_BANDS).sum() == n


def test_scopes_are_ranked_separately():
    urban = frame_of(np.arange(1, 61) * 1000.0)
    rural = frame_of(np.arange(1, 61) * 10.0)
    rural["retailer_id"] += 100
    rural["market_type"] = "rural"
    both = pd.concat([urban, rural], ignore_index=True)
    result = classify(both, AMOUNT_ONLY, scope=both["market_type"])
    by_market = result.assign(market=both["market_type"]).groupby("market")["tier"]
    # each market type has its own top and bottom tier, although rural shops buy far less
    assert by_market.max().to_dict() == {"rural": 30, "urban": 30}
    assert by_market.min().to_dict() == {"rural": 1, "urban": 1}
    company = classify(both, AMOUNT_ONLY)
    assert company.loc[both["market_type"] == "rural", "tier"].max() < 30
