"""Golden cases for tied scores, idle retailers, volume × value ties and the cut scores, each small
enough to work out on paper; the arithmetic is in the comments (docs/domain.md §3)."""

import numpy as np
import pandas as pd
import pytest

from tiers.engine.classify import (
    DEFAULT_SHARE_BANDS,
    ClassificationInputError,
    EmptyTier,
    Scheme,
    classify,
    fill_empty_tiers,
    round_half_up,
    share_band_counts,
    tier_summary,
)

AMOUNT_ONLY = Scheme(weights={"amount": 40.0}, move_limit=None)


def frame_of(amounts, quantities=None, old=None):
    n = len(amounts)
    return pd.DataFrame(
        {
            "retailer_id": np.arange(1, n + 1),
            "amount": np.asarray(amounts, dtype=float),
            "quantity": np.asarray(quantities if quantities is not None else np.full(n, 10.0), dtype=float),
            "credit_rating": ["AA"] * n,
            "old_tier": old if old is not None else [0] * n,
            "market_type": ["urban"] * n,
            "business_format": ["Z"] * n,
        }
    )


def idle_and_buyers(idle: int, buyers: int) -> pd.DataFrame:
    """`idle` shops that bought nothing (0 cartons, 0 yuan), then buyers of 10, 20, 30, … yuan."""
    amounts = np.r_[np.zeros(idle), np.arange(1, buyers + 1) * 10.0]
    quantities = np.r_[np.zeros(idle), np.full(buyers, 10.0)]
    return frame_of(amounts, quantities)


def per_tier(result: pd.DataFrame, column: str = "raw_tier") -> list[int]:
    return result.groupby(column).size().reindex(range(1, 31), fill_value=0).tolist()


def test_thousand_retailers_thirty_idle_fill_d1_and_the_bottom_band_keeps_27_percent():
    # Bands of 1,000: 9% = 90 over D26–30 (18 each), 18% = 180 over D21–25 (36 each),
    # 23% = 230 over D16–20 and over D11–15 (46 each), 27% = 270 over D1–10 (27 each).
    # The line under D2 wants 27 retailers below it, but the 30 idle shops tie (equal scores keep
    # equal tiers) and D1 may not be empty, so it goes right after them: 30 (3 from 27). The line
    # under D3 wants 54 and can sit there exactly: D2 = 54 − 30 = 24. Every later line is exact.
    result = classify(idle_and_buyers(30, 970), AMOUNT_ONLY)
    assert per_tier(result) == [30, 24] + [27] * 8 + [46] * 10 + [36] * 5 + [18] * 5
    assert (result.loc[result["idle"], "raw_tier"] == 1).all()
    assert sum(per_tier(result)[:10]) == 270  # D1–D10 hold 27% (it was 0% with D1 empty)


def test_hundred_retailers_thirty_idle():
    # Bands of 100: D1–3 2, D4–10 3 (27 = 10×2 + 7, the extra to the upper tiers); D11–12 4,
    # D13–15 5 (23); D16–17 4, D18–20 5 (23); D21–22 3, D23–25 4 (18); D26 1, D27–30 2 (9).
    # Wanted below each line: 2 4 6 9 12 15 18 21 24 27 | 31 35 40 45 50 | 54 … (exact from here).
    # The 30 idle shops fill D1 (line 1 at 30). D2–D10 need one shop each and want fewer than 30,
    # so lines 2–10 go as low as they can: 31 … 39. Line 11 wants 31 → 40, line 12 wants 35 → 41,
    # line 13 wants 40 → 42 (it must be above 41), line 14 wants 45 → 45: exact from there on.
    # D1 = 30, D2–D13 = 1 each, D14 = 45 − 42 = 3, D15 = 5, then the bands' own counts.
    result = classify(idle_and_buyers(30, 70), AMOUNT_ONLY)
    assert per_tier(result) == [30] + [1] * 12 + [3, 5] + [4, 4, 5, 5, 5] + [3, 3, 4, 4, 4] + [1, 2, 2, 2, 2]
    # D1–D10 hold 30 + 9 = 39%: the 30 tied idle shops and the one shop each tier needs.
    assert sum(per_tier(result)[:10]) == 39


def test_thirty_five_retailers_five_idle():
    # Bands of 35 (largest remainder): 3.15 / 6.3 / 8.05 / 8.05 / 9.45 → 3, 6, 8, 8, 10.
    # Inside the bands: D1–10 1 each; D11–12 1, D13–15 2; D16–17 1, D18–20 2; D21–24 1, D25 2;
    # D26–27 0, D28–30 1. No empty tier: D26 and D27 take one each from the fullest (D13, D14).
    # Wanted below lines 1…29: 1 … 14, 16, 17, 18, 20, 22, 24, 25, 26, 27, 28, 30, 31, 32, 33, 34.
    # The lines can fall after the idle block (5) or after any buyer: 5, 6, …, 34, 30 places for 29
    # lines that must all differ, so exactly one place is skipped. Without a skip line t sits at
    # 4 + t: against the wanted counts that is −4 for t ≤ 14, −3 for 15–17, −2, −1 for 18, 19,
    # 0 for 20–24 and +1 for 25–29. Skipping a place moves every later line up by one, which
    # only helps where the line is 1 too low (t ≥ 25): skip before line 25.
    # Lines at 5, 6, …, 28 and 30, …, 34: D1 = the 5 idle, D2–D24 one buyer each, D25 = 30 − 28 = 2,
    # D26–D30 one each.
    assert fill_empty_tiers(share_band_counts(35, DEFAULT_SHARE_BANDS))[1:].tolist() == (
        [1] * 14 + [2, 1, 1, 2, 2, 2, 1, 1, 1, 1, 2] + [1] * 5
    )
    result = classify(idle_and_buyers(5, 30), AMOUNT_ONLY)
    assert per_tier(result) == [5] + [1] * 23 + [2] + [1] * 5


def test_equal_scores_keep_equal_tiers_even_where_the_bands_would_split_them():
    # 60 shops: 20 tied at 100 yuan, then 40 of 200, 201, … yuan. Bands of 60: 5.4 / 10.8 / 13.8 /
    # 13.8 / 16.2 → 5, 11, 14, 14, 16; D1–4 1 each, D5–10 2 each, D11 2: the bands want 1, 2, 3, 4,
    # 6, …, 16, 18 below lines 1–11, so the tie of 20 spans D1–D11 of the bands. It stays whole, in
    # D1 (no line may cut it, and D1 may not be empty).
    result = classify(frame_of([100.0] * 20 + list(range(200, 240))), AMOUNT_ONLY)
    assert result.loc[:19, "raw_tier"].unique().tolist() == [1]
    assert (np.bincount(result["raw_tier"], minlength=31)[1:] > 0).all()


def test_volume_value_thirty_five_identical_shops_share_one_tier():
    # 35 shops with the same cartons and value per carton tie in both splits.
    # Volume: 35 over 10 bands = 3 each, the 5 extra to the upper bands: 3 3 3 3 3 4 4 4 4 4, so
    # below the lines 3 6 9 12 15 19 23 27 31. The one group of 35 sits below a line (cost 35 − C)
    # or above it (cost C): above where C < 17.5, i.e. lines 1–5 → volume band 6.
    # Value inside that band: 11 12 12, lines want 11, 23: above line 1 only → value band 2.
    # Tier = (6 − 1) × 3 + 2 = 17 for all 35 (before, split over 12 tiers by id).
    result = classify(frame_of([2000.0] * 35, [10.0] * 35), Scheme(assignment="volume_value", move_limit=None))
    assert result["raw_tier"].unique().tolist() == [17]
    summary = tier_summary(result, "volume_value")
    empty = summary[summary["after"] == 0]
    assert len(empty) == 29
    assert set(empty["empty"]) == {EmptyTier.TIES}
    assert set(empty["distinct"]) == {1}
    assert set(empty["ranked"]) == {35}


def test_share_bands_thirty_five_identical_shops_share_one_tier():
    # Wanted below lines 1…29 for 35 (above): 1 … 14, 16, 17, 18, 20, … The one group sits above
    # every line that wants fewer than 17.5: lines 1–16 → D17.
    result = classify(frame_of([100.0] * 35), AMOUNT_ONLY)
    assert result["raw_tier"].unique().tolist() == [17]


def test_volume_value_idle_shops_are_d1():
    # 30 shops: 3 idle and 27 buying 1…27 cartons at 100 yuan + cartons (value per carton rises
    # with volume). The idle shops tie at the bottom of the volume split and of the value split.
    qty = np.r_[np.zeros(3), np.arange(1, 28.0)]
    amount = np.r_[np.zeros(3), np.arange(1, 28.0) * (100 + np.arange(1, 28.0))]
    result = classify(frame_of(amount, qty), Scheme(assignment="volume_value", move_limit=None))
    assert result.loc[:2, "raw_tier"].tolist() == [1, 1, 1]


def test_fewer_than_thirty_retailers_take_their_share_band_tiers():
    # 10 shops, all different: bands 0.9 / 1.8 / 2.3 / 2.3 / 2.7 → floors 0 1 2 2 2 (7), the 3
    # left to the largest remainders .9, .8, .7: D26–30 1 → D30; D21–25 2 → D24, D25;
    # D16–20 2 → D19, D20; D11–15 2 → D14, D15; D1–10 3 → D8, D9, D10. Other tiers stay empty
    # (fewer than 30 retailers), and the summary says so.
    result = classify(frame_of(np.arange(1, 11) * 10.0), AMOUNT_ONLY)
    assert result["raw_tier"].tolist() == [8, 9, 10, 14, 15, 19, 20, 24, 25, 30]
    summary = tier_summary(result)
    assert set(summary.loc[summary["after"] == 0, "empty"]) == {EmptyTier.FEW}


def test_cut_scores_are_the_lowest_score_placed_in_each_tier_and_rise_with_it():
    # 30 shops buying 100, 200, …, 3,000 yuan: shop k has rank 31 − k of 30, score
    # (2 − (31 − k)/30) × 40 = 4 × (29 + k)/3: shop 1 → 40, shop 7 → 48, shop 23 → 69.333333,
    # shop 30 → 78.666667; one shop per tier, D k for shop k.
    # Old tiers: every shop at its own tier except shop 1 (was D10) and shop 30 (was D20). With
    # the move limit of 3, shop 1 stays at D7 and shop 30 rises only to D23.
    old = list(range(1, 31))
    old[0], old[29] = 10, 20
    result = classify(frame_of(np.arange(1, 31) * 100.0, old=old), Scheme(weights={"amount": 40.0}, move_limit=3))
    assert result.loc[[0, 29], "tier"].tolist() == [7, 23]
    summary = tier_summary(result)
    # D7's cut score is shop 7's 48, not the 40 of shop 1 held there by the move limit
    assert summary.loc[7, "cut_score"] == pytest.approx(48.0)
    assert summary.loc[23, "cut_score"] == pytest.approx(4 * 52 / 3)
    assert summary.loc[30, "cut_score"] == pytest.approx(4 * 59 / 3)
    assert (summary.loc[7, "held"], summary.loc[23, "held"], summary.loc[1, "held"]) == (1, 1, 0)
    # D1 and D30 are empty: the shops their scores give them are held elsewhere
    assert (summary.loc[1, "after"], summary.loc[30, "after"]) == (0, 0)
    assert (summary.loc[1, "empty"], summary.loc[30, "empty"]) == (EmptyTier.HELD, EmptyTier.HELD)
    cuts = summary["cut_score"].to_numpy()[::-1]  # D1 … D30
    assert (np.diff(cuts) > 0).all()


def test_cut_scores_per_scope():
    # Two market types ranked apart, 30 shops each: in each, shop k (k-th smallest) has score
    # 4 × (29 + k)/3 and is D k, so both scopes have the same cuts, 40 for D1 … 78.67 for D30.
    urban = frame_of(np.arange(1, 31) * 1000.0)
    rural = frame_of(np.arange(1, 31) * 10.0)
    rural["retailer_id"] += 100
    rural["market_type"] = "rural"
    both = pd.concat([urban, rural], ignore_index=True)
    result = classify(both, AMOUNT_ONLY, scope=both["market_type"])
    result["scope_key"] = both["market_type"]
    summary = tier_summary(result)
    assert summary.loc[1, "cut_score:rural"] == summary.loc[1, "cut_score:urban"] == pytest.approx(40.0)
    assert summary.loc[30, "cut_score:urban"] == pytest.approx(4 * 59 / 3)


def test_new_retailers_without_purchases_set_no_cut_score():
    # A shop given a starting tier by rule (ranked False, score 0) counts in D5 but is not its cut.
    result = classify(frame_of(np.arange(1, 31) * 100.0), AMOUNT_ONLY)
    result["ranked"] = True
    newcomer = result.iloc[[0]].assign(retailer_id=999, score=0.0, raw_tier=5, tier=5, ranked=False, idle=False)
    summary = tier_summary(pd.concat([result, newcomer], ignore_index=True))
    assert summary.loc[5, "after"] == 2
    assert summary.loc[5, "cut_score"] == pytest.approx(4 * 34 / 3)  # shop 5's score, not 0


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("amount", np.nan, "missing or not a number"),
        ("quantity", np.inf, "missing or not a number"),
        ("quantity", -4.0, "below zero"),
    ],
)
def test_purchases_that_are_not_numbers_are_refused_with_the_retailer(column, value, reason):
    frame = frame_of([100.0, 200.0, 300.0])
    frame.loc[1, column] = value
    with pytest.raises(ClassificationInputError, match=f"{column} {reason} for 1 retailer.*ids 2"):
        classify(frame, AMOUNT_ONLY)


def test_round_half_up_as_a_person_rounds():
    # np.round gives 2, 8, -2, 1.0 (1.005 is stored as 1.00499…), 0.12
    assert round_half_up([2.5, 7.5, -2.5]).tolist() == [3.0, 8.0, -3.0]
    assert round_half_up([1.005, 0.125], 2).tolist() == [1.01, 0.13]
    assert round_half_up(12.5).item() == 13.0
